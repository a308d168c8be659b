package org.detsearch.detection;

/** How overlapping detections of one class are suppressed. */
public enum NmsMethod {
    /** Hard NMS: a box overlapping a kept one by IoU > threshold is dropped. */
    HARD,
    /** Gaussian soft-NMS: scores decay by exp(-IoU^2 / sigma) (EfficientDet's evaluation default, sigma 0.5). */
    GAUSSIAN
}
