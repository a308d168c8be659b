package org.detsearch.detection;

/**
 * What anchors a detector uses, as EfficientDet's reference defines them: levels P{minLevel}..P{maxLevel},
 * {@code numScales} octave scales 2^(i/numScales), aspect ratios as width/height (1, 2, 0.5), and base size
 * {@code anchorScale * stride * octave} (anchor scale 4; 5 for D7).
 */
public record AnchorSpec(int minLevel, int maxLevel, int numScales, double[] aspectRatios, double anchorScale)
        implements java.io.Serializable {
    public static final AnchorSpec EFFICIENTDET = new AnchorSpec(3, 7, 3, new double[] {1.0, 2.0, 0.5}, 4.0);

    public AnchorSpec {
        if (minLevel < 1 || maxLevel < minLevel || maxLevel > 10) {
            throw new IllegalArgumentException("levels must satisfy 1 <= min <= max <= 10, got P" + minLevel + "-P" + maxLevel);
        }
        if (numScales < 1 || aspectRatios.length == 0 || anchorScale <= 0) {
            throw new IllegalArgumentException("need at least one scale and aspect ratio and a positive anchor scale");
        }
        aspectRatios = aspectRatios.clone();
    }

    /** Value equality, aspect ratios included (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorSpec a && minLevel == a.minLevel && maxLevel == a.maxLevel && numScales == a.numScales
                && java.util.Arrays.equals(aspectRatios, a.aspectRatios) && Double.compare(anchorScale, a.anchorScale) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(minLevel, maxLevel, numScales, java.util.Arrays.hashCode(aspectRatios), anchorScale);
    }

    @Override
    public String toString() {
        return "P" + minLevel + "-P" + maxLevel + ", " + numScales + " scales, ratios " + java.util.Arrays.toString(aspectRatios)
                + ", anchor scale " + anchorScale;
    }

    /** Anchors per feature-map position: scales x aspect ratios (9 by default). */
    public int anchorsPerLocation() {
        return numScales * aspectRatios.length;
    }

    public int levels() {
        return maxLevel - minLevel + 1;
    }
}
