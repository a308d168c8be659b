package org.detsearch.coco.synthetic;

import java.util.Map;

/** What one generated split holds: counts per class and per COCO size range (by annotation area). */
public record SplitSummary(String name, int images, int annotations, int crowd,
                           Map<String, Integer> perClass, int small, int medium, int large) {

    /** One readable line, e.g. "train: 200 images, 812 objects (14 crowd); small 301, medium 380, large 131; ...". */
    public String line() {
        return String.format("%s: %d images, %d objects (%d crowd); small %d, medium %d, large %d; per class %s",
                name, images, annotations, crowd, small, medium, large, perClass);
    }
}
