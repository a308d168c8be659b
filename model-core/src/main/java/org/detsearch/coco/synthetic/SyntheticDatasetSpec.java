package org.detsearch.coco.synthetic;

import org.detsearch.config.ConfigView;

/**
 * What {@link SyntheticDatasetGenerator} makes: the {@code generate} config section.
 *
 * @param minObjects       fewest regular (non-crowd) objects per image
 * @param maxObjects       most regular objects per image
 * @param crowdProbability chance that an image also holds one crowd region
 */
public record SyntheticDatasetSpec(String output, long seed, int trainImages, int valImages, int imageSize,
                                   int minObjects, int maxObjects, double crowdProbability, int jpegQuality) {

    public SyntheticDatasetSpec {
        require(trainImages >= 0 && valImages >= 0 && trainImages + valImages > 0, "at least one image is needed");
        require(imageSize >= 64 && imageSize <= 4096, "image size must be in [64, 4096], got " + imageSize);
        require(minObjects >= 0 && maxObjects >= minObjects && maxObjects <= 50,
                "objects per image must satisfy 0 <= min <= max <= 50, got " + minObjects + ".." + maxObjects);
        require(crowdProbability >= 0 && crowdProbability <= 1, "crowd probability must be in [0, 1]");
        require(jpegQuality >= 1 && jpegQuality <= 100, "JPEG quality must be in [1, 100]");
    }

    public static SyntheticDatasetSpec fromConfig(ConfigView c) {
        return new SyntheticDatasetSpec(c.nonBlank("output"), c.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                c.intIn("train-images", 0, 10_000_000), c.intIn("val-images", 0, 10_000_000),
                c.intIn("image-size", 64, 4096), c.intIn("min-objects", 0, 50), c.intIn("max-objects", 0, 50),
                c.doubleIn("crowd-probability", 0, 1), c.intIn("jpeg-quality", 1, 100));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
