package org.detsearch.report;

import java.util.ArrayList;
import java.util.List;

/** Default budgets for "best trial per budget": 1, 2, 5 x 10^k from the cheapest trial's cost to the dearest's. */
public final class BudgetLadder {
    private BudgetLadder() {
    }

    public static List<Double> spanning(double min, double max) {
        List<Double> budgets = new ArrayList<>();
        if (!(min > 0) || !(max >= min) || !Double.isFinite(max)) {
            return budgets;
        }
        double decade = Math.pow(10, Math.floor(Math.log10(min)));
        while (true) {
            for (double step : new double[] {1, 2, 5}) {
                double budget = step * decade;
                if (budget >= min * (1 - 1e-12)) {
                    budgets.add(budget);
                    if (budget >= max * (1 - 1e-12)) {
                        return budgets;
                    }
                }
            }
            decade *= 10;
        }
    }
}
