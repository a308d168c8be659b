package org.detsearch.scaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The architectures of a sweep, by kind, and their product with seeds and data subsets into trials.
 * <ul>
 * <li>grid: the Cartesian product of value lists over any of the family's axes (the others keep the base's values);</li>
 * <li>compound: one architecture per phi by a {@link CompoundRule};</li>
 * <li>coefficients: the base scaled by each admissible (alpha, beta, gamma) of a {@link CoefficientGrid} at phi = 1.</li>
 * </ul>
 * Everything is linear in the number of trials produced; the trial list is deduplicated by id, keeping the first.
 */
public final class SweepSpace {
    private SweepSpace() {
    }

    /**
     * Every combination of {@code axes} (axis -> values, in the given axis order, the first varying slowest) laid
     * over {@code base}. An axis the base does not have is an error: it is a typo or another family's.
     */
    public static List<ArchitecturePoint> grid(Map<String, Object> base, LinkedHashMap<String, List<Object>> axes, long maxPoints) {
        List<String> names = new ArrayList<>(axes.keySet());
        long size = 1;
        for (String name : names) {
            if (!base.containsKey(name)) {
                throw new IllegalArgumentException("unknown axis '" + name + "'; the family's axes are " + base.keySet());
            }
            if (axes.get(name).isEmpty()) {
                throw new IllegalArgumentException("axis '" + name + "' has no values");
            }
            size *= axes.get(name).size();
            if (size > maxPoints) {
                throw new IllegalArgumentException("the grid has more than " + maxPoints + " points");
            }
        }
        List<ArchitecturePoint> points = new ArrayList<>((int) size);
        int[] index = new int[names.size()];
        for (long n = 0; n < size; n++) {
            SortedMap<String, Object> architecture = new TreeMap<>(base);
            for (int a = 0; a < names.size(); a++) {
                architecture.put(names.get(a), axes.get(names.get(a)).get(index[a]));
            }
            points.add(new ArchitecturePoint(architecture, new TreeMap<>(Map.of("kind", "grid"))));
            for (int a = names.size() - 1; a >= 0; a--) {
                if (++index[a] < axes.get(names.get(a)).size()) {
                    break;
                }
                index[a] = 0;
            }
        }
        return points;
    }

    public static List<ArchitecturePoint> compound(ModelFamily family, Map<String, Object> base, List<Integer> phis, CompoundRule rule) {
        List<ArchitecturePoint> points = new ArrayList<>();
        for (int phi : phis) {
            CompoundScale scale = CompoundScale.of(phi, rule);
            SortedMap<String, String> labels = new TreeMap<>();
            labels.put("kind", "compound");
            labels.put("phi", Integer.toString(phi));
            labels.put("rule", rule.name().toLowerCase(Locale.ROOT));
            points.add(new ArchitecturePoint(family.compound(base, scale), labels));
        }
        return points;
    }

    public static List<ArchitecturePoint> coefficients(ModelFamily family, Map<String, Object> base, CoefficientGrid grid) {
        List<ArchitecturePoint> points = new ArrayList<>();
        for (ScaleMultipliers m : grid.candidates()) {
            SortedMap<String, String> labels = new TreeMap<>();
            labels.put("kind", "coefficients");
            labels.put("alpha", number(m.depth()));
            labels.put("beta", number(m.width()));
            labels.put("gamma", number(m.resolution()));
            labels.put("cost-factor", String.format(Locale.ROOT, "%.4f", m.costFactor()));
            points.add(new ArchitecturePoint(family.scaled(base, m), labels));
        }
        return points;
    }

    /**
     * Every architecture x seed x data subset as a trial sharing {@code settings}, first occurrence kept per id;
     * at most {@code maxTrials} (counted before deduplication).
     */
    public static List<Trial> trials(String family, List<ArchitecturePoint> architectures, List<Long> seeds,
                                     List<Double> subsets, SortedMap<String, Object> settings, long maxTrials) {
        if (seeds.isEmpty() || subsets.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one seed and one data subset");
        }
        long count = (long) architectures.size() * seeds.size() * subsets.size();
        if (count > maxTrials) {
            throw new IllegalArgumentException("the sweep has " + count + " trials (" + architectures.size()
                    + " architectures x " + seeds.size() + " seeds x " + subsets.size() + " data subsets), over the limit of " + maxTrials);
        }
        Map<String, Trial> byId = new LinkedHashMap<>();
        for (ArchitecturePoint point : architectures) {
            for (long seed : seeds) {
                for (double subset : subsets) {
                    TrialConfig config = new TrialConfig(family, point.architecture(), seed, subset, settings);
                    Trial trial = Trial.of(config, point.labels());
                    byId.putIfAbsent(trial.id(), trial);
                }
            }
        }
        return List.copyOf(byId.values());
    }

    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
