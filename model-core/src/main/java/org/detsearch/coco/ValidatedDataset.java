package org.detsearch.coco;

import java.util.Objects;

/** A dataset that passed {@link CocoValidator}, with the report of everything it dropped or changed on the way. */
public record ValidatedDataset(CocoDataset dataset, ValidationReport report) {
    public ValidatedDataset {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(report, "report");
    }
}
