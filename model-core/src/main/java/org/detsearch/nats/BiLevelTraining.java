package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the configuration of any network that holds {@link DilationSearchConvolution}s (a supernet backbone under
 * any neck and heads) into its first-order bi-level version (PAPERS 1.5): every updater and regularisation of the
 * network's weights is gated to {@link Phase#WEIGHTS} steps, alpha's to {@link Phase#ARCHITECTURE} steps, and
 * batch norms become {@link PhaseGatedBatchNormalization} (running statistics move on weight steps only). Then a
 * weight step leaves alpha, its Adam moments and everything else of the architecture unchanged, and an architecture
 * step leaves the weights, their momentum and the batch-norm statistics unchanged; one {@code fit()} per minibatch
 * is all a caller (a parameter-averaging worker included) does.
 * <p>
 * Whatever optimiser the network was configured with stays (SGD with momentum for the weights, as the paper); the
 * searched layers' gradient clipping, if per layer, becomes per parameter type, so that alpha's gradient is not
 * clipped by the norm of its layer's kernel gradients. A vertex with parameters that cannot be gated is an error.
 */
public final class BiLevelTraining {
    private BiLevelTraining() {
    }

    /**
     * A gated copy of {@code conf} with alpha optimised as {@code optimisation} says (the weights keep the updater and
     * regularisation the network was built with: {@link SearchOptimisation#weightUpdater} and
     * {@link SearchOptimisation#weightRegularization}).
     */
    public static ComputationGraphConfiguration prepare(ComputationGraphConfiguration conf, SearchOptimisation optimisation,
                                                        int weightStepsPerEpoch) {
        ComputationGraphConfiguration copy = conf.clone();
        for (GraphVertex vertex : copy.getVertices().values()) {
            if (vertex instanceof LayerVertex v && v.getLayerConf().getLayer() instanceof DilationSearchConvolution search) {
                search.setAlphaUpdater(optimisation.alphaUpdater());
                search.setAlphaRegularization(new ArrayList<>(optimisation.alphaRegularization()));
            }
        }
        return prepare(copy, optimisation.schedule(weightStepsPerEpoch));
    }

    /** A gated copy of {@code conf}. */
    public static ComputationGraphConfiguration prepare(ComputationGraphConfiguration conf, BiLevelSchedule schedule) {
        ComputationGraphConfiguration gated = conf.clone();
        boolean searched = false;
        for (Map.Entry<String, GraphVertex> entry : gated.getVertices().entrySet()) {
            GraphVertex vertex = entry.getValue();
            if (vertex instanceof LayerVertex layerVertex) {
                NeuralNetConfiguration layerConf = layerVertex.getLayerConf();
                Layer layer = layerConf.getLayer();
                if (layer instanceof BatchNormalization bn && !(layer instanceof PhaseGatedBatchNormalization)) {
                    layer = gatedCopy(bn, schedule);
                    layerConf.setLayer(layer);
                }
                if (layer instanceof BaseLayer base) {
                    gateWeights(base, schedule);
                } else if (layer.initializer().numParams(layer) > 0) {
                    throw new IllegalArgumentException(entry.getKey() + " (" + layer.getClass().getSimpleName()
                            + ") has parameters the bi-level search cannot gate");
                }
                if (layer instanceof DilationSearchConvolution search) {
                    gateArchitecture(search, schedule);
                    searched = true;
                }
            } else if (vertex instanceof SameDiffVertex sd) {
                sd.setUpdater(gate(sd.getUpdater(), schedule));
                sd.setBiasUpdater(gate(sd.getBiasUpdater(), schedule));
                sd.setRegularization(gate(sd.getRegularization(), Phase.WEIGHTS, schedule));
                sd.setRegularizationBias(gate(sd.getRegularizationBias(), Phase.WEIGHTS, schedule));
            } else if (vertex.numParams(false) > 0) {
                throw new IllegalArgumentException(entry.getKey() + " (" + vertex.getClass().getSimpleName()
                        + ") has parameters the bi-level search cannot gate");
            }
        }
        if (!searched) {
            throw new IllegalArgumentException("the network has no DilationSearchConvolution: nothing to search");
        }
        return gated;
    }

    /** The schedule a prepared configuration was gated with (its alpha updaters'). */
    public static BiLevelSchedule scheduleOf(ComputationGraphConfiguration conf) {
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex v && v.getLayerConf().getLayer() instanceof DilationSearchConvolution search
                    && search.getAlphaUpdater() instanceof PhaseGatedUpdater gated) {
                return gated.schedule();
            }
        }
        throw new IllegalArgumentException("the network is not prepared for the bi-level search (BiLevelTraining.prepare)");
    }

    private static void gateWeights(BaseLayer layer, BiLevelSchedule schedule) {
        layer.setIUpdater(gate(layer.getIUpdater(), schedule));
        layer.setBiasUpdater(gate(layer.getBiasUpdater(), schedule));
        layer.setRegularization(gate(layer.getRegularization(), Phase.WEIGHTS, schedule));
        layer.setRegularizationBias(gate(layer.getRegularizationBias(), Phase.WEIGHTS, schedule));
    }

    private static void gateArchitecture(DilationSearchConvolution layer, BiLevelSchedule schedule) {
        layer.setAlphaUpdater(new PhaseGatedUpdater(layer.getAlphaUpdater(), Phase.ARCHITECTURE, schedule));
        layer.setAlphaRegularization(gate(layer.getAlphaRegularization(), Phase.ARCHITECTURE, schedule));
        if (layer.getGradientNormalization() == GradientNormalization.ClipL2PerLayer) {
            layer.setGradientNormalization(GradientNormalization.ClipL2PerParamType);
        }
    }

    private static IUpdater gate(IUpdater updater, BiLevelSchedule schedule) {
        return updater == null ? null : new PhaseGatedUpdater(updater, Phase.WEIGHTS, schedule);
    }

    private static List<Regularization> gate(List<Regularization> regularizations, Phase phase, BiLevelSchedule schedule) {
        if (regularizations == null) {
            return null;
        }
        List<Regularization> gated = new ArrayList<>();
        for (Regularization r : regularizations) {
            gated.add(new PhaseGatedRegularization(r, phase, schedule));
        }
        return gated;
    }

    /**
     * The batch norm as a {@link PhaseGatedBatchNormalization} with every setting kept: copied through DL4J's own
     * configuration JSON (what a saved model keeps of it anyway), with the class swapped.
     */
    private static PhaseGatedBatchNormalization gatedCopy(BatchNormalization bn, BiLevelSchedule schedule) {
        try {
            ObjectNode tree = NeuralNetConfiguration.mapper().valueToTree(bn);
            tree.put("@class", PhaseGatedBatchNormalization.class.getName());
            PhaseGatedBatchNormalization copy = (PhaseGatedBatchNormalization) NeuralNetConfiguration.mapper().treeToValue(tree, Layer.class);
            copy.setStatisticsUpdater(new PhaseGatedUpdater(new NoOp(), Phase.WEIGHTS, schedule));
            return copy;
        } catch (org.nd4j.shade.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot copy batch norm " + bn.getLayerName(), e);
        }
    }
}
