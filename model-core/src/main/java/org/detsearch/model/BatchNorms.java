package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;

/** The running statistics of a network's batch norms, set for all of them at once. */
public final class BatchNorms {
    private BatchNorms() {
    }

    /**
     * {@code conf} with every batch norm's running-statistics decay set to {@code decay} (0 = as built).
     *
     * @return the number of batch norms changed
     */
    public static int setDecay(ComputationGraphConfiguration conf, double decay) {
        if (decay == 0) {
            return 0;
        }
        if (decay < 0 || decay >= 1) {
            throw new IllegalArgumentException("a batch-norm decay must be in [0, 1), got " + decay);
        }
        int changed = 0;
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex v && v.getLayerConf().getLayer() instanceof BatchNormalization bn) {
                bn.setDecay(decay);
                changed++;
            }
        }
        return changed;
    }
}
