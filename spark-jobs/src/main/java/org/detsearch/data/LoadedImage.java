package org.detsearch.data;

import org.detsearch.coco.ImageAnnotations;

/** An image read and checked on an executor: its (possibly re-encoded) bytes and matching ground truth. */
public record LoadedImage(ImageAnnotations annotations, byte[] encoded) {
}
