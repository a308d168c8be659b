package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.detsearch.backbone.Backbone;
import org.detsearch.model.RetinaNetBuilder;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;

/**
 * The RetinaNet-style detector of {@code detector} on the NATS-transformed version of its ResNet/ResNeXt: the searched
 * convolutions become the mixed-dilation ones {@code genotype} keeps, with the original's parameters, multiply-adds
 * and layer names (so the ImageNet weights load into it as into the original). What {@code retrain} trains.
 */
public record TransformedDetectorSpec(RetinaNetSpec detector, Genotype genotype) implements RetinaNetVariant {
    public TransformedDetectorSpec {
        featureExtractor(detector, genotype); // a genotype of another network fails here, naming the layer
    }

    private static TransformedBackbone featureExtractor(RetinaNetSpec detector, Genotype genotype) {
        return new TransformedBackbone(detector.backbone(), genotype);
    }

    @Override
    public ComputationGraphConfiguration graph(TrainingSettings training) {
        return RetinaNetBuilder.build(detector, featureExtractor(), training);
    }

    @Override
    public Backbone featureExtractor() {
        return featureExtractor(detector, genotype);
    }
}
