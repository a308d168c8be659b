package org.detsearch.cli;

/** The CLI's exit codes, shared by every subcommand and documented in the README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job ran and failed (I/O error, bad data it could not skip, Spark failure). */
    public static final int JOB_FAILED = 1;
    /** Bad usage or bad configuration: nothing was run. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
