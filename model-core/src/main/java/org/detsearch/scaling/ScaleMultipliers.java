package org.detsearch.scaling;

/**
 * EfficientNet's compound multipliers of a base network: depth d = alpha^phi, width w = beta^phi, resolution
 * r = gamma^phi (PAPERS.md 2.1). A network's multiply-adds grow about d * w^2 * r^2.
 */
public record ScaleMultipliers(double depth, double width, double resolution) {
    public static final ScaleMultipliers NONE = new ScaleMultipliers(1, 1, 1);

    public ScaleMultipliers {
        if (!(depth > 0) || !(width > 0) || !(resolution > 0) || !Double.isFinite(depth * width * resolution)) {
            throw new IllegalArgumentException("multipliers must be positive, got depth " + depth + ", width " + width
                    + ", resolution " + resolution);
        }
    }

    /** alpha, beta, gamma raised to phi. */
    public static ScaleMultipliers compound(double alpha, double beta, double gamma, double phi) {
        return new ScaleMultipliers(Math.pow(alpha, phi), Math.pow(beta, phi), Math.pow(gamma, phi));
    }

    /**
     * EfficientNet's {@code round_filters}: a scaled channel count to the nearest multiple of {@code divisor}, at
     * least one divisor, and never below 90% of the exact value.
     */
    public static int roundChannels(double channels, int divisor) {
        int rounded = Math.max(divisor, (int) (channels + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * channels ? rounded + divisor : rounded;
    }

    /** d * w^2 * r^2: the factor by which the multiply-adds of convolutions grow. */
    public double costFactor() {
        return depth * width * width * resolution * resolution;
    }
}
