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
}
