package org.detsearch.backbone;

import java.util.List;

/** Pretrained weights that do not fit the network they were meant for; lists every offending layer. Nothing was loaded. */
public class PretrainedWeightsMismatchException extends IllegalArgumentException {
    private final List<String> problems;

    public PretrainedWeightsMismatchException(String source, List<String> problems) {
        super("the weights of " + source + " do not fit the network (nothing was loaded): " + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
