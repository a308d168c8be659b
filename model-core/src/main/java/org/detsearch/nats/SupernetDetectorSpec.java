package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.detsearch.backbone.Backbone;
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;

/**
 * The detector NATS searches with (PAPERS 1.5; the paper's RetinaNet row, Table 6): {@code detector}'s neck and
 * heads on the supernet of its ResNet/ResNeXt over {@code space}, prepared for the first-order bi-level search
 * ({@link BiLevelTraining}): weights on split A with {@code optimisation}'s weight optimiser, alpha on split B with
 * its own, alpha frozen for the first epochs of {@code weightStepsPerEpoch} weight steps each.
 *
 * @param imagesPerStep images in one weight step (all workers together): the per-image learning rate times this
 */
public record SupernetDetectorSpec(RetinaNetSpec detector, SearchSpace space, SearchOptimisation optimisation,
                                   int weightStepsPerEpoch, int imagesPerStep) implements RetinaNetVariant {
    public SupernetDetectorSpec {
        if (weightStepsPerEpoch < 1 || imagesPerStep < 1) {
            throw new IllegalArgumentException("need at least one weight step per epoch and one image per step");
        }
        new SupernetBackbone(detector.backbone(), space); // a grouping that does not fit a layer fails here, naming it
    }

    @Override
    public SupernetBackbone featureExtractor() {
        return new SupernetBackbone(detector.backbone(), space);
    }

    /** The weights' optimiser of the search (the alpha optimiser comes from {@code optimisation} in the graph). */
    public TrainingSettings trainingSettings(double gradientClip, long seed) {
        return new TrainingSettings(optimisation.weightUpdater(imagesPerStep, weightStepsPerEpoch), optimisation.weightDecay(),
                gradientClip, seed);
    }

    /** The gated supernet detector; {@code training} should be {@link #trainingSettings}. */
    @Override
    public ComputationGraphConfiguration graph(TrainingSettings training) {
        Backbone supernet = featureExtractor();
        return BiLevelTraining.prepare(RetinaNetBuilder.build(detector, supernet, training), optimisation, weightStepsPerEpoch);
    }

    /** All iterations of the search (frozen epochs of weight steps, then weight and architecture steps alternating). */
    public int totalIterations() {
        return optimisation.totalIterations(weightStepsPerEpoch);
    }

    public BiLevelSchedule schedule() {
        return optimisation.schedule(weightStepsPerEpoch);
    }
}
