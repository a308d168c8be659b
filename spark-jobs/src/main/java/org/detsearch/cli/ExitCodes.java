package org.detsearch.cli;

/** The CLI's exit codes, shared by every subcommand and documented in the README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job ran and failed (I/O error, bad data it could not skip, Spark failure). */
    public static final int JOB_FAILED = 1;
    /** Bad usage or bad configuration: nothing was run. */
    public static final int USAGE = 2;
    /** A sweep ran to the end and some of its trials FAILED (their records hold the errors). */
    public static final int TRIALS_FAILED = 3;

    private ExitCodes() {
    }
}
