package org.detsearch.backbone;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer configuration that takes the pretrained parameters of a plain layer of the same name although its own
 * parameters are shaped differently (the NATS supernet's convolution holds one copy of the kernel per candidate).
 * {@link PretrainedWeights} asks it instead of requiring equal shapes.
 */
public interface LoadsPretrainedParameters {
    /**
     * Fills {@code target} (this layer's parameter {@code param}) from the plain layer's {@code source}.
     *
     * @return false when {@code source} cannot be the plain layer's {@code param} (wrong shape): a mismatch
     */
    boolean loadPretrained(String param, INDArray source, INDArray target);

    /** Parameters the plain layer does not have (they stay at their initialisation when loading). */
    java.util.Set<String> ownParameters();
}
