package org.detsearch.neck;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BiFpnNodeTest {
    private static BiFpnNode node(int level, Integer... inputs) {
        return new BiFpnNode(level, List.of(inputs));
    }

    /** fpn_configs.bifpn_config for P3-P7, node by node (PAPERS.md 2.3). */
    @Test
    void p3ToP7IsTheReferenceCell() {
        assertEquals(List.of(node(6, 3, 4), node(5, 2, 5), node(4, 1, 6), node(3, 0, 7),
                node(4, 1, 7, 8), node(5, 2, 6, 9), node(6, 3, 5, 10), node(7, 4, 11)), BiFpnNode.cell(3, 7));
    }

    /** D7x's P3-P8 by the same rule: one more level on each path. */
    @Test
    void p3ToP8FollowsTheGenericRule() {
        assertEquals(List.of(node(7, 4, 5), node(6, 3, 6), node(5, 2, 7), node(4, 1, 8), node(3, 0, 9),
                node(4, 1, 9, 10), node(5, 2, 8, 11), node(6, 3, 7, 12), node(7, 4, 6, 13), node(8, 5, 14)), BiFpnNode.cell(3, 8));
    }

    @Test
    void aCellNeedsTwoLevelsAndANodeTwoInputs() {
        assertThrows(IllegalArgumentException.class, () -> BiFpnNode.cell(5, 5));
        assertThrows(IllegalArgumentException.class, () -> node(3, 0));
    }
}
