package org.detsearch.coco;

import java.util.Objects;

/**
 * One ground-truth object. {@code area} is the annotation's own {@code area} field (the segmentation's
 * area, which COCO evaluation uses for the small/medium/large ranges), not the box's.
 * Segmentations are not kept: detection needs boxes only, and dropping them keeps train2017 small in memory.
 */
public record CocoAnnotation(long id, long imageId, int categoryId, BBox bbox, double area, boolean crowd) {
    public CocoAnnotation {
        Objects.requireNonNull(bbox, "bbox");
    }

    public CocoAnnotation withBBox(BBox clipped) {
        return new CocoAnnotation(id, imageId, categoryId, clipped, area, crowd);
    }
}
