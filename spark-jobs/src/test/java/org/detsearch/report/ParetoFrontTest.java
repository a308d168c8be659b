package org.detsearch.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParetoFrontTest {
    record P(String name, double cost, double ap) {
    }

    @Test
    void theFrontKeepsWhatNothingCheaperBeats() {
        List<P> points = List.of(new P("a", 1, 0.10), new P("b", 2, 0.30), new P("c", 3, 0.20), new P("d", 4, 0.40),
                new P("e", 4, 0.35), new P("f", 2, 0.30), new P("g", 0.5, 0.05), new P("h", 5, Double.NaN));
        List<P> front = ParetoFront.of(points, P::cost, P::ap);
        assertEquals(List.of("g", "a", "b", "d"), front.stream().map(P::name).toList(),
                "c is beaten by b, e by d at the same cost, f ties b (first kept), h has no AP");
    }

    @Test
    void emptyAndSinglePoints() {
        assertEquals(List.of(), ParetoFront.of(List.<P>of(), P::cost, P::ap));
        assertEquals(1, ParetoFront.of(List.of(new P("x", 1, 0)), P::cost, P::ap).size());
    }

    @Test
    void budgetsClimbInOneTwoFiveSteps() {
        assertEquals(List.of(2e6, 5e6, 1e7, 2e7), BudgetLadder.spanning(1.5e6, 1.2e7));
        assertEquals(List.of(5.0), BudgetLadder.spanning(3, 3));
        assertEquals(List.of(1.0), BudgetLadder.spanning(1, 1));
        assertEquals(List.of(), BudgetLadder.spanning(0, 3));
    }
}
