package org.detsearch.cli;

/**
 * The top-level config sections DetSearch owns; a run's resolved.conf holds these (redacted), not the JVM's
 * system properties that Typesafe Config also merges in.
 */
final class Sections {
    static final String[] ALL = {"hadoop", "spark-runtime", "coco", "generate", "prepare", "train", "evaluate", "demo", "search",
            "retrain", "sweep", "report"};

    private Sections() {
    }
}
