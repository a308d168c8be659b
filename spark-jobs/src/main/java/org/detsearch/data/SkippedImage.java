package org.detsearch.data;

import org.detsearch.coco.ValidationProblem;

import java.io.Serializable;

/** An image left out of the shards: which problem it had (missing, undecodable, wrong size) and the detail. */
public record SkippedImage(long imageId, String fileName, ValidationProblem problem, String detail) implements Serializable {
}
