package org.detsearch.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * EfficientNet's step 1 (PAPERS.md 2.1): at phi = 1, a small grid over alpha (depth), beta (width), gamma
 * (resolution), each from 1 to {@code max} in steps of {@code step}, keeping the triples with
 * alpha * beta^2 * gamma^2 within {@code tolerance} of {@code target} (2: "twice more resources"). The paper gives
 * no grid step or tolerance; both are settings. Grid points are computed as 1 + k * step (no accumulated rounding)
 * and rounded to 1e-9.
 */
public record CoefficientGrid(double step, double max, double target, double tolerance) {
    /** A bound on the grid's size per axis: a finer step is a typo, not a sweep. */
    static final int MAX_POINTS_PER_AXIS = 1000;

    public CoefficientGrid {
        if (!(step > 0) || !(max >= 1) || !(target > 1) || !(tolerance >= 0)) {
            throw new IllegalArgumentException("need step > 0, max >= 1, target > 1 and tolerance >= 0; got step " + step
                    + ", max " + max + ", target " + target + ", tolerance " + tolerance);
        }
        if ((max - 1) / step + 1 > MAX_POINTS_PER_AXIS) {
            throw new IllegalArgumentException("a step of " + step + " up to " + max + " gives more than "
                    + MAX_POINTS_PER_AXIS + " values per coefficient");
        }
    }

    /** The admissible (alpha, beta, gamma) as phi = 1 multipliers, in increasing alpha, then beta, then gamma. */
    public List<ScaleMultipliers> candidates() {
        List<Double> values = new ArrayList<>();
        for (int k = 0; ; k++) {
            double v = Math.round((1 + k * step) * 1e9) / 1e9;
            if (v > max + 1e-12) {
                break;
            }
            values.add(v);
        }
        List<ScaleMultipliers> out = new ArrayList<>();
        for (double alpha : values) {
            for (double beta : values) {
                for (double gamma : values) {
                    ScaleMultipliers m = new ScaleMultipliers(alpha, beta, gamma);
                    if (Math.abs(m.costFactor() - target) <= tolerance + 1e-12) {
                        out.add(m);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no (alpha, beta, gamma) in steps of " + step + " up to " + max
                    + " has alpha * beta^2 * gamma^2 within " + tolerance + " of " + target + "; widen the tolerance or the range");
        }
        return out;
    }
}
