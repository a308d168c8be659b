package org.detsearch.nats;

/** The two alternating steps of the search: network weights on split A, architecture parameters on split B. */
public enum Phase { WEIGHTS, ARCHITECTURE }
