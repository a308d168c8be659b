package org.detsearch.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The trials no other trial beats on both counts: none has a lower or equal cost with a higher AP, or a lower cost
 * with an equal AP. Found by one sort by cost (ties: higher AP first) and one pass keeping each point whose AP
 * exceeds every cheaper one's: n log n.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /** The front of {@code points} (finite cost and AP only), in increasing cost (and so increasing AP). */
    public static <T> List<T> of(List<T> points, ToDoubleFunction<T> cost, ToDoubleFunction<T> ap) {
        List<T> candidates = new ArrayList<>();
        for (T p : points) {
            if (Double.isFinite(cost.applyAsDouble(p)) && Double.isFinite(ap.applyAsDouble(p))) {
                candidates.add(p);
            }
        }
        candidates.sort(Comparator.comparingDouble(cost).thenComparing(Comparator.comparingDouble(ap).reversed()));
        List<T> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (T p : candidates) {
            double value = ap.applyAsDouble(p);
            if (value > best) {
                front.add(p);
                best = value;
            }
        }
        return front;
    }
}
