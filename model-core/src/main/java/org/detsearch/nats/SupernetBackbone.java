package org.detsearch.nats;

import org.detsearch.backbone.MiddleConv;
import org.detsearch.backbone.MiddleConvFactory;
import org.detsearch.backbone.ResNetBuilder;
import org.detsearch.backbone.ResNetSpec;

import java.util.List;

/**
 * The NATS supernet of a ResNet or ResNeXt: the backbone with the middle 3x3 convolution of every bottleneck in the
 * searched stages (3-5: 13 convolutions in a 50-layer network, 30 in a 101-layer one) replaced by a
 * {@link DilationSearchConvolution} over its stage's candidates, under the original's name; everything else
 * (layout, names, stage 2 and the stem) as {@link ResNetBuilder} has it. Pretrained weights load into it by name,
 * every candidate receiving the pretrained kernel ({@code backbone.PretrainedWeights}). Train it through
 * {@link BiLevelTraining#prepare}.
 */
public final class SupernetBackbone extends ResNetBuilder {
    private final SearchSpace space;

    public SupernetBackbone(ResNetSpec spec, SearchSpace space) {
        super(spec, factory(space));
        this.space = space;
        searchedConvs().forEach(conv -> searched(conv, space)); // a grouping that does not fit a layer fails here, naming it
    }

    private static MiddleConvFactory factory(SearchSpace space) {
        MiddleConvFactory plain = MiddleConvFactory.plain();
        return conv -> space.searches(conv.stage()) ? searched(conv, space) : plain.layerFor(conv);
    }

    private static DilationSearchConvolution searched(MiddleConv conv, SearchSpace space) {
        int groups = space.grouping().groupsOf(conv.name(), conv.channels(), conv.groups());
        return new DilationSearchConvolution(conv.name(), conv.channels(), 1, conv.groups(), true,
                space.candidates(conv.stage()), groups, space.sharing());
    }

    public SearchSpace space() {
        return space;
    }

    /** The searched convolutions, in graph order. */
    public List<MiddleConv> searchedConvs() {
        return middleConvs().stream().filter(c -> space.searches(c.stage())).toList();
    }
}
