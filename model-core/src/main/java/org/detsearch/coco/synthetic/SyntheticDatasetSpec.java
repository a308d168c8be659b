package org.detsearch.coco.synthetic;

import org.detsearch.config.ConfigView;

/**
 * What {@link SyntheticDatasetGenerator} makes: the {@code generate} config section. Validation messages name the
 * config key (the min/max pair as "objects per image"), so an error read through {@link ConfigView#validated}
 * points at the line to fix.
 *
 * @param output           dataset folder to create (any Hadoop path)
 * @param seed             the same seed gives byte-identical files
 * @param trainImages      images in the train split (ids 1..trainImages)
 * @param valImages        images in the val split (ids continue after train's)
 * @param imageSize        side of the square images in pixels
 * @param minObjects       fewest regular (non-crowd) objects per image
 * @param maxObjects       most regular objects per image
 * @param crowdProbability chance that an image also holds one crowd region
 * @param jpegQuality      JPEG quality of the written images, 1..100
 * @param minObjectSize    smallest object side as a fraction of the image side (sides are log-uniform)
 * @param maxObjectSize    largest object side as a fraction of the image side
 */
public record SyntheticDatasetSpec(String output, long seed, int trainImages, int valImages, int imageSize,
                                   int minObjects, int maxObjects, double crowdProbability, int jpegQuality,
                                   double minObjectSize, double maxObjectSize) {
    /**
     * Default object sides: at 256 px (18 to 218 px) the visible areas come out about 33% COCO-small, 47% medium
     * and 19% large (COCO itself: 41%, 34%, 24%).
     */
    public static final double MIN_OBJECT_SIZE = 0.07;
    public static final double MAX_OBJECT_SIZE = 0.85;
    /** Large enough for a crowd region of 5 px shapes and the smallest regular object; beyond this COCO is the better test. */
    public static final int MIN_IMAGE_SIZE = 64;
    public static final int MAX_IMAGE_SIZE = 4096;
    /** Annotation ids are image id * 1000 + index, so an image holds at most 999 objects; 50 is plenty. */
    public static final int MAX_OBJECTS = 50;
    public static final int MAX_IMAGES = 10_000_000;

    public SyntheticDatasetSpec {
        require(output != null && !output.isBlank(), "output must name a folder, got " + (output == null ? "none" : "\"" + output + "\""));
        require(trainImages >= 0 && trainImages <= MAX_IMAGES, "train-images must be in [0, " + MAX_IMAGES + "], got " + trainImages);
        require(valImages >= 0 && valImages <= MAX_IMAGES, "val-images must be in [0, " + MAX_IMAGES + "], got " + valImages);
        require(trainImages + valImages > 0, "train-images + val-images must be at least 1, got 0");
        require(imageSize >= MIN_IMAGE_SIZE && imageSize <= MAX_IMAGE_SIZE,
                "image-size must be in [" + MIN_IMAGE_SIZE + ", " + MAX_IMAGE_SIZE + "], got " + imageSize);
        require(minObjects >= 0 && minObjects <= MAX_OBJECTS, "min-objects must be in [0, " + MAX_OBJECTS + "], got " + minObjects);
        require(maxObjects >= 0 && maxObjects <= MAX_OBJECTS, "max-objects must be in [0, " + MAX_OBJECTS + "], got " + maxObjects);
        // min-objects and max-objects; spark-jobs' GenerateDataCommandTest expects this exact wording
        require(maxObjects >= minObjects, "objects per image must satisfy 0 <= min <= max <= " + MAX_OBJECTS
                + ", got " + minObjects + ".." + maxObjects);
        require(crowdProbability >= 0 && crowdProbability <= 1, "crowd-probability must be in [0, 1], got " + crowdProbability);
        require(jpegQuality >= 1 && jpegQuality <= 100, "jpeg-quality must be in [1, 100], got " + jpegQuality);
        require(minObjectSize >= 0.02 && minObjectSize <= maxObjectSize && maxObjectSize <= 0.95,
                "object sizes must satisfy 0.02 <= min-object-size <= max-object-size <= 0.95, got "
                        + minObjectSize + ".." + maxObjectSize);
    }

    /** The default object sizes (COCO-like size mix). */
    public SyntheticDatasetSpec(String output, long seed, int trainImages, int valImages, int imageSize,
                                int minObjects, int maxObjects, double crowdProbability, int jpegQuality) {
        this(output, seed, trainImages, valImages, imageSize, minObjects, maxObjects, crowdProbability, jpegQuality,
                MIN_OBJECT_SIZE, MAX_OBJECT_SIZE);
    }

    /** Reads the {@code generate} section; type and range errors name the full path (e.g. {@code generate.seed}). */
    public static SyntheticDatasetSpec fromConfig(ConfigView c) {
        return new SyntheticDatasetSpec(c.nonBlank("output"), c.longIn("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                c.intIn("train-images", 0, MAX_IMAGES), c.intIn("val-images", 0, MAX_IMAGES),
                c.intIn("image-size", MIN_IMAGE_SIZE, MAX_IMAGE_SIZE), c.intIn("min-objects", 0, MAX_OBJECTS),
                c.intIn("max-objects", 0, MAX_OBJECTS), c.doubleIn("crowd-probability", 0, 1), c.intIn("jpeg-quality", 1, 100),
                c.doubleIn("min-object-size", 0.02, 0.95), c.doubleIn("max-object-size", 0.02, 0.95));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
