package org.detsearch.nats;

import java.util.HashSet;
import java.util.List;

/**
 * The NATS search space (PAPERS 1.2): the middle 3x3 convolution of every bottleneck in stages 3, 4 and 5 is
 * searched over the candidate dilations of its stage, per channel group, with candidate kernels copied from (or
 * tied to) the pretrained one. Stage 2 and the stem are never searched.
 */
public record SearchSpace(List<Dilation> stage3, List<Dilation> stage4, List<Dilation> stage5, ChannelGrouping grouping,
                          KernelSharing sharing) implements java.io.Serializable {
    public static final int FIRST_SEARCHED_STAGE = 3;

    public SearchSpace {
        stage3 = checked("stage 3", stage3);
        stage4 = checked("stage 4", stage4);
        stage5 = checked("stage 5", stage5);
        if (grouping == null || sharing == null) {
            throw new IllegalArgumentException("a search space needs a channel grouping and a kernel sharing");
        }
    }

    private static List<Dilation> checked(String stage, List<Dilation> candidates) {
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException(stage + " needs at least one candidate dilation");
        }
        if (new HashSet<>(candidates).size() != candidates.size()) {
            throw new IllegalArgumentException(stage + " lists a candidate dilation twice: " + candidates);
        }
        return List.copyOf(candidates);
    }

    /** Stages 3-4: {1, 2, 3, 1x3, 3x1}; stage 5: {1, 2, 3, 4, 5, 1x3, 3x1, 1x5, 5x1} (the paper's set C). */
    public static SearchSpace paper(ChannelGrouping grouping, KernelSharing sharing) {
        List<Dilation> early = parse("1", "2", "3", "1x3", "3x1");
        return new SearchSpace(early, early, parse("1", "2", "3", "4", "5", "1x3", "3x1", "1x5", "5x1"), grouping, sharing);
    }

    /** The paper's default: set C, 16 groups, copied kernels. */
    public static SearchSpace paper() {
        return paper(ChannelGrouping.paper(), KernelSharing.COPIED);
    }

    /** Ablation set A (Table 5): {1, 3}, {1, 3}, {1, 3, 5}. */
    public static SearchSpace setA(ChannelGrouping grouping, KernelSharing sharing) {
        return new SearchSpace(parse("1", "3"), parse("1", "3"), parse("1", "3", "5"), grouping, sharing);
    }

    /** Ablation set B (Table 5): {1, 2, 3}, {1, 2, 3}, {1, 2, 3, 4, 5}. */
    public static SearchSpace setB(ChannelGrouping grouping, KernelSharing sharing) {
        return new SearchSpace(parse("1", "2", "3"), parse("1", "2", "3"), parse("1", "2", "3", "4", "5"), grouping, sharing);
    }

    /**
     * The {@code space} config section: {@code candidates} (paper = set C, a, b: the ablation sets), optional
     * {@code stage3} / {@code stage4} / {@code stage5} lists replacing a stage's candidates (["1", "2", "1x3"]),
     * {@code groups} (N channel groups per layer) or {@code channels-per-group} (C, when > 0), and {@code kernels}
     * (copied, tied).
     */
    public static SearchSpace fromConfig(org.detsearch.config.ConfigView c) {
        int channels = c.intIn("channels-per-group", 0, 1 << 20);
        ChannelGrouping grouping = channels > 0 ? ChannelGrouping.channelsPerGroup(channels)
                : ChannelGrouping.groups(c.intIn("groups", 1, 1 << 20));
        KernelSharing sharing = c.enumValue("kernels", KernelSharing.class);
        String set = c.string("candidates");
        SearchSpace base = switch (set) {
            case "paper" -> paper(grouping, sharing);
            case "a" -> setA(grouping, sharing);
            case "b" -> setB(grouping, sharing);
            default -> throw new org.detsearch.config.ConfigValidationException(c.fullPath("candidates"), set,
                    "allowed: one of paper, a, b");
        };
        return org.detsearch.config.ConfigView.validated(c.section(), () -> new SearchSpace(stage(c, "stage3", base.stage3),
                stage(c, "stage4", base.stage4), stage(c, "stage5", base.stage5), grouping, sharing));
    }

    private static List<Dilation> stage(org.detsearch.config.ConfigView c, String key, List<Dilation> fallback) {
        List<String> listed = c.has(key) ? c.raw().getStringList(key) : List.of();
        return listed.isEmpty() ? fallback : parse(listed.toArray(String[]::new));
    }

    public static List<Dilation> parse(String... dilations) {
        return java.util.Arrays.stream(dilations).map(Dilation::parse).toList();
    }

    public boolean searches(int stage) {
        return stage >= FIRST_SEARCHED_STAGE && stage <= 5;
    }

    /** The candidates of a searched stage (3..5). */
    public List<Dilation> candidates(int stage) {
        return switch (stage) {
            case 3 -> stage3;
            case 4 -> stage4;
            case 5 -> stage5;
            default -> throw new IllegalArgumentException("stage " + stage + " is not searched (only 3, 4 and 5 are)");
        };
    }
}
