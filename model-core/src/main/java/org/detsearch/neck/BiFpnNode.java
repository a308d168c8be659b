package org.detsearch.neck;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a BiFPN cell: the pyramid level it computes and the features it fuses, by id. A cell starts with
 * ids 0..L-1 = its input levels min..max; each node appends the next id.
 */
public record BiFpnNode(int level, List<Integer> inputs) {
    public BiFpnNode {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("a BiFPN node fuses at least two features, got " + inputs);
        }
        inputs = List.copyOf(inputs);
    }

    /**
     * The nodes of one cell in the reference's order ({@code fpn_configs.bifpn_config}): top-down for levels
     * max-1 .. min, each fusing the level's latest feature with the latest of the level above; then bottom-up for
     * levels min+1 .. max, each fusing every feature of its level so far with the latest of the level below. For
     * P3-P7: P6_td(3, 4), P5_td(2, 5), P4_td(1, 6), P3_out(0, 7), P4_out(1, 7, 8), P5_out(2, 6, 9),
     * P6_out(3, 5, 10), P7_out(4, 11).
     */
    public static List<BiFpnNode> cell(int minLevel, int maxLevel) {
        if (minLevel < 1 || maxLevel <= minLevel) {
            throw new IllegalArgumentException("a BiFPN needs levels min < max, got P" + minLevel + "-P" + maxLevel);
        }
        Map<Integer, List<Integer>> idsOfLevel = new HashMap<>();
        for (int level = minLevel; level <= maxLevel; level++) {
            idsOfLevel.put(level, new ArrayList<>(List.of(level - minLevel)));
        }
        int next = maxLevel - minLevel + 1;
        List<BiFpnNode> nodes = new ArrayList<>();
        for (int level = maxLevel - 1; level >= minLevel; level--) {
            nodes.add(new BiFpnNode(level, List.of(last(idsOfLevel, level), last(idsOfLevel, level + 1))));
            idsOfLevel.get(level).add(next++);
        }
        for (int level = minLevel + 1; level <= maxLevel; level++) {
            List<Integer> inputs = new ArrayList<>(idsOfLevel.get(level));
            inputs.add(last(idsOfLevel, level - 1));
            nodes.add(new BiFpnNode(level, inputs));
            idsOfLevel.get(level).add(next++);
        }
        return List.copyOf(nodes);
    }

    private static int last(Map<Integer, List<Integer>> idsOfLevel, int level) {
        List<Integer> ids = idsOfLevel.get(level);
        return ids.get(ids.size() - 1);
    }
}
