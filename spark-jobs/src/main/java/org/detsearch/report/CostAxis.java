package org.detsearch.report;

/** What a Pareto front trades AP against. */
public enum CostAxis {
    MULTIPLY_ADDS("multiply-adds", "multiply-adds per image", "ap-vs-multiply-adds.png"),
    PARAMS("parameters", "trainable parameters", "ap-vs-params.png"),
    LATENCY("latency", "latency, ms per image (batch 1)", "ap-vs-latency.png");

    private final String label;
    private final String axisTitle;
    private final String chartFile;

    CostAxis(String label, String axisTitle, String chartFile) {
        this.label = label;
        this.axisTitle = axisTitle;
        this.chartFile = chartFile;
    }

    public String label() {
        return label;
    }

    public String axisTitle() {
        return axisTitle;
    }

    public String chartFile() {
        return chartFile;
    }
}
