package org.detsearch.nats;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.detsearch.backbone.MiddleConv;
import org.detsearch.backbone.MiddleConvFactory;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;
import org.detsearch.nn.MixedDilationConvolution;

import java.util.HashSet;
import java.util.Set;

/**
 * The NATS-transformed backbone (PAPERS 1.4, 1.6, Fig. 3): every convolution of the genotype becomes a
 * {@link MixedDilationConvolution}, the concatenation of sub-convolutions with the kept dilations over contiguous
 * output-channel slices in candidate order. Its parameters keep the original's names and shapes, so the ImageNet
 * weights load into it by name ({@code backbone.PretrainedWeights}) and sub-convolution g uses the pretrained
 * kernel's output-channel slice g; the following batch norm and 1x1 convolution keep their weights, in the same
 * channel order. Same trainable parameters and multiply-adds as the original; with every layer kept at dilation 1,
 * the same outputs.
 */
public final class TransformedBackbone extends ResNetBuilder {
    public TransformedBackbone(ResNetSpec spec, Genotype genotype) {
        super(spec, factory(genotype));
        Set<String> unknown = new HashSet<>(genotype.layers().stream().map(Genotype.Layer::name).toList());
        for (MiddleConv conv : middleConvs()) {
            unknown.remove(conv.name());
            genotype.layer(conv.name()).ifPresent(layer -> transformed(conv, layer)); // mismatches fail here, named
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the genotype names layers that " + spec + " does not have: " + unknown);
        }
    }

    private static MiddleConvFactory factory(Genotype genotype) {
        MiddleConvFactory plain = MiddleConvFactory.plain();
        return conv -> genotype.layer(conv.name()).<Layer>map(layer -> transformed(conv, layer)).orElseGet(() -> plain.layerFor(conv));
    }

    private static MixedDilationConvolution transformed(MiddleConv conv, Genotype.Layer layer) {
        if (layer.channels() != conv.channels() || layer.stage() != conv.stage()) {
            throw new IllegalArgumentException(conv.name() + ": the genotype has " + layer.channels() + " channels at stage "
                    + layer.stage() + ", the backbone " + conv.channels() + " at stage " + conv.stage());
        }
        return new MixedDilationConvolution(conv.name(), 3, 1, conv.groups(), true, layer.segmentChannels(), layer.segmentDilations());
    }
}
