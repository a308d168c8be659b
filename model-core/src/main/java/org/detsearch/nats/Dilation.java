package org.detsearch.nats;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One NATS genotype: the dilation (d_h, d_w) of a 3x3 convolution; {@code d} alone means (d, d) (PAPERS 1.2).
 * Written as "2" or "1x3" in configs and JSON.
 */
public record Dilation(int h, int w) implements java.io.Serializable {
    public Dilation {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("dilations must be >= 1, got (" + h + ", " + w + ")");
        }
    }

    public static Dilation of(int d) {
        return new Dilation(d, d);
    }

    /** "3" or "1x3" (height x width). */
    @JsonCreator
    public static Dilation parse(String text) {
        String[] parts = text.trim().split("x", -1);
        try {
            if (parts.length == 1) {
                return of(Integer.parseInt(parts[0].trim()));
            }
            if (parts.length == 2) {
                return new Dilation(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a dilation: '" + text + "'; write d or d_h x d_w, e.g. 2 or 1x3");
    }

    @JsonValue
    @Override
    public String toString() {
        return h == w ? Integer.toString(h) : h + "x" + w;
    }
}
