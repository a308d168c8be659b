package org.detsearch.backbone;

import java.util.List;

/**
 * What loading pretrained weights did: the layers loaded, the target's layers the source does not have (a
 * detector's neck and heads: left at their initialisation), parameters of loaded layers that the plain layer does
 * not have (a supernet's alpha: also left at initialisation), and the source's layers the target does not use
 * (an ImageNet classifier under a detector).
 */
public record PretrainedLoadReport(String source, List<String> loaded, List<String> leftAtInitialisation,
                                   List<String> parametersLeftAtInitialisation, List<String> unusedFromSource) {
    public PretrainedLoadReport {
        loaded = List.copyOf(loaded);
        leftAtInitialisation = List.copyOf(leftAtInitialisation);
        parametersLeftAtInitialisation = List.copyOf(parametersLeftAtInitialisation);
        unusedFromSource = List.copyOf(unusedFromSource);
    }

    /** A few lines for the console. */
    public String summary() {
        return "loaded " + loaded.size() + " layers from " + source
                + (leftAtInitialisation.isEmpty() ? "" : "\n  left at their initialisation: " + leftAtInitialisation)
                + (parametersLeftAtInitialisation.isEmpty() ? "" : "\n  parameters left at their initialisation: " + parametersLeftAtInitialisation)
                + (unusedFromSource.isEmpty() ? "" : "\n  not used from the source: " + unusedFromSource);
    }
}
