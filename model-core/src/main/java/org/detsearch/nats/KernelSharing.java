package org.detsearch.nats;

/**
 * How the candidate dilations of one supernet convolution hold their kernels. The paper: "weights are copied to
 * all of its dilated replicas" (PAPERS 1.4), read here as separate tensors that start equal and train apart:
 * {@link #COPIED}, the default. {@link #TIED} keeps one kernel for all candidates (the supernet then has the
 * original's parameters plus alpha).
 */
public enum KernelSharing { COPIED, TIED }
