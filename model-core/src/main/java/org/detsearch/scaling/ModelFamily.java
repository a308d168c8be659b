package org.detsearch.scaling;

import com.typesafe.config.ConfigFactory;
import org.detsearch.config.ConfigView;
import org.detsearch.model.DetectorSpec;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A kind of detector a sweep can vary: how a trial's architecture (axis name -> value, every axis of the family's
 * base section present) becomes a {@link DetectorSpec}, and how compound and coefficient scaling move its axes.
 * One small class per family; the axes are the keys of the family's base section in the config
 * ({@code sweep.model.<family>}).
 */
public interface ModelFamily extends java.io.Serializable {
    /** The family's name in configs and records ("retinanet"). */
    String name();

    /**
     * The detector of {@code architecture} with {@code numClasses} classes and a square input of {@code imageSize}
     * (the trial's nominal size, or its proxy-training size); an impossible architecture is an
     * IllegalArgumentException (or a config error) naming the problem.
     */
    DetectorSpec spec(Map<String, Object> architecture, int numClasses, int imageSize);

    /** The nominal input size of an architecture. */
    int imageSize(Map<String, Object> architecture);

    /**
     * The input size nearest {@code size} that {@code architecture} can be built at (a multiple of its coarsest
     * stride), at least one stride.
     */
    int roundImageSize(Map<String, Object> architecture, double size);

    /** {@code base} with depth, width and resolution multiplied (EfficientNet-style coefficient scaling). */
    SortedMap<String, Object> scaled(Map<String, Object> base, ScaleMultipliers multipliers);

    /** {@code base} at a compound coefficient; families without compound scaling refuse with a clear message. */
    default SortedMap<String, Object> compound(Map<String, Object> base, CompoundScale scale) {
        throw new IllegalArgumentException("the " + name() + " family has no compound scaling rule (compound scaling "
                + "is EfficientDet's); sweep it with a grid or coefficient sweep");
    }

    /** A short description for tables and charts ("tiny x0.25, FPN 32, head 2, 128 px"). */
    String describe(Map<String, Object> architecture);

    /**
     * An architecture as the config section {@code architecture} (with {@code overrides} laid over it), for the model
     * config readers that validate every key: errors then name {@code architecture.<axis>}.
     */
    static ConfigView asSection(Map<String, Object> architecture, Map<String, Object> overrides) {
        Map<String, Object> values = new TreeMap<>(architecture);
        values.putAll(overrides);
        return ConfigView.of(ConfigFactory.parseMap(Map.of("architecture", values)), "architecture");
    }

    /** A numeric axis as an int. */
    static int integer(Map<String, Object> architecture, String axis) {
        return (int) number(architecture, axis);
    }

    static double number(Map<String, Object> architecture, String axis) {
        if (!(architecture.get(axis) instanceof Number n)) {
            throw new IllegalArgumentException("architecture axis '" + axis + "' must be a number, got " + architecture.get(axis));
        }
        return n.doubleValue();
    }
}
