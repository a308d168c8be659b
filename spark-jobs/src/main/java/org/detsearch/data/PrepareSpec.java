package org.detsearch.data;

import org.detsearch.config.ConfigView;

/** What {@code prepare} reads and writes; the {@code prepare} config section. */
public record PrepareSpec(String annotations, String images, String output, long shardBytes,
                          int maxSide, int jpegQuality, boolean overwrite) {

    public static PrepareSpec fromConfig(ConfigView c) {
        return new PrepareSpec(
                c.nonBlank("annotations"),
                c.nonBlank("images"),
                c.nonBlank("output"),
                c.bytesAtLeast("shard-size", 1024),
                c.intIn("max-side", 0, 1 << 16),
                c.intIn("jpeg-quality", 1, 100),
                c.bool("overwrite"));
    }
}
