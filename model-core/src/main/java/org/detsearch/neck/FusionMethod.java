package org.detsearch.neck;

/** How a BiFPN node combines its resampled inputs (the reference's {@code fpn_weight_method}). */
public enum FusionMethod {
    /** Fast normalised fusion, {@code sum_i relu(w_i) x_i / (sum_j relu(w_j) + 1e-4)}: D0-D5 ({@code fastattn}). */
    FAST_ATTENTION,
    /** Unweighted sum, "for stability": D6, D7, D7x ({@code sum}). */
    SUM
}
