package org.detsearch.nats;

import org.detsearch.detection.AnchorSpec;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.RetinaNetSpec;

/** A NATS form of a RetinaNet-style detector: the same neck, heads, anchors, classes and input, another backbone. */
interface RetinaNetVariant extends DetectorSpec {
    RetinaNetSpec detector();

    @Override
    default AnchorSpec anchors() {
        return detector().anchors();
    }

    @Override
    default int numClasses() {
        return detector().numClasses();
    }

    @Override
    default int imageSize() {
        return detector().imageSize();
    }
}
