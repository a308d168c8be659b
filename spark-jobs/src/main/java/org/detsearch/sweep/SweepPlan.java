package org.detsearch.sweep;

import org.detsearch.config.ConfigView;
import org.detsearch.scaling.ArchitecturePoint;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.ModelFamily;
import org.detsearch.scaling.SweepSpace;
import org.detsearch.scaling.Trial;

import java.util.List;

/** The trials of a sweep, in plan order, one per id: its architectures x seeds x data subsets. */
public record SweepPlan(ModelFamily family, List<Trial> trials, int architectures) {
    /** The plan of a sweep; a plan that cannot be made (an unknown axis, too many trials) is a config error. */
    public static SweepPlan of(SweepSpec spec, ModelFamilies families) {
        ModelFamily family = families.get(spec.family(), SweepSpec.SECTION + ".family");
        return ConfigView.validated(SweepSpec.SECTION, () -> plan(spec, family));
    }

    private static SweepPlan plan(SweepSpec spec, ModelFamily family) {
        List<ArchitecturePoint> points = switch (spec.kind()) {
            case GRID -> SweepSpace.grid(spec.base(), spec.gridAxes(), spec.maxTrials());
            case COMPOUND -> SweepSpace.compound(family, spec.base(), spec.phis(), spec.rule());
            case COEFFICIENTS -> SweepSpace.coefficients(family, spec.base(), spec.coefficients());
        };
        List<Trial> trials = SweepSpace.trials(family.name(), points, spec.seeds(), spec.dataSubsets(), spec.settings(),
                spec.maxTrials());
        return new SweepPlan(family, trials, points.size());
    }
}
