package org.detsearch.sweep;

/** How a trial ended. */
public enum TrialStatus {
    /** Built, counted, trained, evaluated and timed (or, in a dry run, built and counted). */
    DONE,
    /** An exception, a NaN loss or an out-of-memory error; the record holds the error. Retried by later runs. */
    FAILED,
    /** Over the sweep's parameter or multiply-add limit: counted, never trained. */
    SKIPPED
}
