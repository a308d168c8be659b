package org.detsearch.scaling;

import java.util.SortedMap;
import java.util.TreeMap;

/** Architectures small enough to train in tests (also used by spark-jobs' sweep tests). */
public final class TinyArchitectures {
    private TinyArchitectures() {
    }

    /** A tiny RetinaNet: ResNet width 1/8, one block per stage, 16 FPN channels, one head conv, 128 px. */
    public static SortedMap<String, Object> retinaNet() {
        SortedMap<String, Object> a = new TreeMap<>();
        a.put("backbone", "tiny");
        a.put("width", 0.125);
        a.put("fpn-channels", 16);
        a.put("head-depth", 1);
        a.put("head-group-norm", 0);
        a.put("image-size", 128);
        a.put("anchor-scale", 4);
        return a;
    }

    /** A tiny EfficientDet: the B0 table at width 0.25 and depth 0.1, a 16-channel BiFPN of one cell, one head conv. */
    public static SortedMap<String, Object> efficientDet(int imageSize) {
        SortedMap<String, Object> a = new TreeMap<>();
        a.put("backbone", "scaled");
        a.put("width-coefficient", 0.25);
        a.put("depth-coefficient", 0.1);
        a.put("drop-connect", 0);
        a.put("fpn-width", 16);
        a.put("fpn-depth", 1);
        a.put("head-depth", 1);
        a.put("fusion", "fast-attention");
        a.put("anchor-scale", 4);
        a.put("max-level", 7);
        a.put("image-size", imageSize);
        return a;
    }
}
