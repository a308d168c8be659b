package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.detsearch.data.LoadedImage;

/**
 * The order images are seen in an epoch: sorted by a hash of (seed, epoch, image id), so every epoch is a
 * different permutation, the same one in every run with that seed, and the same for the single-JVM loop and for
 * Spark (which then splits it into {@code partitions} contiguous ranges, one per worker). Sorting moves the
 * still-compressed images; decoding happens after.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    public static JavaRDD<LoadedImage> shuffled(JavaRDD<LoadedImage> images, long seed, int epoch, int partitions) {
        return images.sortBy(image -> key(seed, epoch, image.annotations().imageId()), true, partitions);
    }

    /** SplitMix64 of the three: well spread even for consecutive ids. */
    public static long key(long seed, int epoch, long imageId) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + imageId;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
