package org.detsearch.data;

import org.detsearch.coco.ImageAnnotations;

import java.io.Serializable;

/** One image to load on an executor: where its file is, how large it is, and its ground truth. */
public record ImageTask(String path, long fileBytes, ImageAnnotations annotations) implements Serializable {
}
