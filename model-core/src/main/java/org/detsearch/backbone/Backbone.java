package org.detsearch.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * A classification network used as a detector's feature extractor: it adds itself to a graph and names the
 * vertices of its feature maps by pyramid level (level l has stride 2^l: C3 at stride 8 ... C5 at stride 32), which
 * is what a neck (FPN, BiFPN) reads.
 */
public interface Backbone {
    /** Adds the network after {@code input} (an NCHW image input); returns the name of its last vertex. */
    String addTo(ComputationGraphConfiguration.GraphBuilder graph, String input);

    /** Vertex holding the feature map at pyramid level {@code level} (stride 2^level). */
    String featureOutput(int level);

    /** Channels of the feature map at {@code level}. */
    int featureChannels(int level);
}
