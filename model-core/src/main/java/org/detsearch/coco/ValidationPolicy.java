package org.detsearch.coco;

import org.detsearch.config.ConfigView;

import java.util.Objects;

/**
 * What {@link CocoValidator} does with questionable input, and how much of it the report quotes.
 *
 * @param partlyOutside   what to do with a box that lies partly outside its image (a box entirely outside is
 *                        always dropped: there is nothing of it to keep)
 * @param examplesPerKind how many examples of each problem kind the report keeps, besides the full counts
 */
public record ValidationPolicy(PartlyOutside partlyOutside, int examplesPerKind) {
    /** Clipping by default: a box that overshoots the border, often by a rounding error, still shows its object. */
    public static final ValidationPolicy DEFAULT = new ValidationPolicy(PartlyOutside.CLIP, 5);

    public ValidationPolicy {
        Objects.requireNonNull(partlyOutside, "partlyOutside");
        if (examplesPerKind < 0) {
            throw new IllegalArgumentException("examplesPerKind must be >= 0, got " + examplesPerKind);
        }
    }

    /** The {@code coco.validation} config section. */
    public static ValidationPolicy fromConfig(ConfigView c) {
        return new ValidationPolicy(c.enumValue("partly-outside", PartlyOutside.class), c.intIn("examples", 0, 1000));
    }

    public enum PartlyOutside {
        /** Keep the part of the box inside the image. */
        CLIP,
        /** Drop the annotation. */
        REJECT
    }
}
