package org.detsearch.coco;

import java.util.Objects;

/** One entry of a COCO results (detections) file: an image id, an original category id, a box and a score. */
public record Detection(long imageId, int categoryId, BBox bbox, double score) {
    public Detection {
        Objects.requireNonNull(bbox, "bbox");
    }
}
