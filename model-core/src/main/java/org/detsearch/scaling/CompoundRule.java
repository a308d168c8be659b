package org.detsearch.scaling;

/**
 * How a compound coefficient phi becomes an EfficientDet's dimensions (PAPERS.md 2.9): the official model table
 * (hand-rounded widths, D5's 1280 input, D6/D7's 8 BiFPN cells, B6 under D7), or the paper's formulas as written.
 */
public enum CompoundRule {
    TABLE,
    FORMULAS
}
