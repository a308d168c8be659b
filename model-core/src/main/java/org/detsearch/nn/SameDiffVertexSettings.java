package org.detsearch.nn;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;

/**
 * Copies the training settings DL4J applies to a SameDiff vertex configuration (updaters, regularisation, gradient
 * normalisation, data type): a custom vertex's {@code clone()} must carry them, or a cloned configuration (which
 * DL4J makes, e.g. for the updater and for serialisation) trains without them.
 */
public final class SameDiffVertexSettings {
    private SameDiffVertexSettings() {
    }

    public static <T extends SameDiffVertex> T copy(SameDiffVertex from, T to) {
        to.setUpdater(from.getUpdater() == null ? null : from.getUpdater().clone());
        to.setBiasUpdater(from.getBiasUpdater() == null ? null : from.getBiasUpdater().clone());
        to.setRegularization(from.getRegularization());
        to.setRegularizationBias(from.getRegularizationBias());
        to.setGradientNormalization(from.getGradientNormalization());
        to.setGradientNormalizationThreshold(from.getGradientNormalizationThreshold());
        to.setDataType(from.getDataType());
        return to;
    }
}
