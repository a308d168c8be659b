package org.detsearch.nats;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.MiddleConv;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Discretises a searched supernet (PAPERS 1.6): in every searched convolution each search group votes for the
 * candidate of its largest alpha (ties: the first), a candidate's intensity is its share of the votes, and a
 * candidate with votes keeps C_out x intensity output channels, in candidate order.
 * <p>
 * The channels are counted in units that keep ResNeXt's cardinal groups whole (C_out / cardinality channels; one
 * channel for a ResNet) and rounded by largest remainder (ties: candidate order), so they sum to C_out; when the
 * search groups are whole cardinal groups (the paper's settings) no rounding happens, and a candidate whose share
 * rounds to no unit is dropped.
 */
public final class GenotypeDecoder {
    private GenotypeDecoder() {
    }

    /** The genotype of a trained supernet built by {@code backbone}. */
    public static Genotype decode(ComputationGraph supernet, SupernetBackbone backbone) {
        List<Genotype.Layer> layers = new ArrayList<>();
        for (MiddleConv conv : backbone.searchedConvs()) {
            INDArray softmax = ((DilationSearchConvolutionLayer) supernet.getLayer(conv.name())).mixingWeights();
            layers.add(decodeLayer(conv, backbone.space().candidates(conv.stage()), softmax));
        }
        return new Genotype(backbone.spec().name(), layers);
    }

    /** One convolution from its softmax(alpha) [N, |G|]. */
    public static Genotype.Layer decodeLayer(MiddleConv conv, List<Dilation> candidates, INDArray softmax) {
        if (softmax.rank() != 2 || softmax.size(1) != candidates.size()) {
            throw new IllegalArgumentException(conv.name() + ": softmax " + Arrays.toString(softmax.shape())
                    + " does not match " + candidates.size() + " candidates");
        }
        double[][] values = softmax.castTo(DataType.DOUBLE).toDoubleMatrix();
        int[] votes = new int[candidates.size()];
        for (double[] group : values) {
            int best = 0;
            for (int g = 1; g < group.length; g++) {
                best = group[g] > group[best] ? g : best;
            }
            votes[best]++;
        }
        int unitChannels = conv.groups() == 1 ? 1 : conv.channels() / conv.groups();
        int[] units = largestRemainder(votes, values.length, conv.channels() / unitChannels);
        List<Genotype.Kept> kept = new ArrayList<>();
        for (int g = 0; g < candidates.size(); g++) {
            if (units[g] > 0) {
                kept.add(new Genotype.Kept(candidates.get(g), units[g] * unitChannels));
            }
        }
        return new Genotype.Layer(conv.name(), conv.stage(), conv.channels(), kept, candidates, values);
    }

    /** Splits {@code total} units in proportion to {@code votes} (out of {@code voters}), summing to total. */
    static int[] largestRemainder(int[] votes, int voters, int total) {
        int[] units = new int[votes.length];
        double[] remainder = new double[votes.length];
        int given = 0;
        for (int g = 0; g < votes.length; g++) {
            double ideal = (double) votes[g] * total / voters;
            units[g] = (int) Math.floor(ideal + 1e-9);
            remainder[g] = ideal - units[g];
            given += units[g];
        }
        while (given < total) {
            int best = -1;
            for (int g = 0; g < votes.length; g++) {
                if (votes[g] > 0 && (best < 0 || remainder[g] > remainder[best] + 1e-12)) {
                    best = g;
                }
            }
            units[best]++;
            remainder[best] = -1;
            given++;
        }
        return units;
    }
}
