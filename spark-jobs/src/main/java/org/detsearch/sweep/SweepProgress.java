package org.detsearch.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A sweep's progress for people and schedulers: trials done, failed, skipped (counting those finished by earlier
 * runs), running and pending, elapsed time and an ETA from this run's finished trials (their throughput, which
 * accounts for trials running side by side). A console line and {@code <sweep>/progress.json} every few seconds
 * while trials run, and at the end.
 */
public final class SweepProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("progress");
    public static final String FILE_NAME = "progress.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HadoopFiles files;
    private final Path file;
    private final String sweep;
    private final int total;
    private final int toRun;
    private final Map<TrialStatus, Integer> counts = new EnumMap<>(TrialStatus.class);
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private int finishedThisRun;
    private int running;
    private boolean finished;
    private ScheduledExecutorService ticker;

    /** @param kept statuses of the planned trials earlier runs finished and this one keeps */
    public SweepProgress(HadoopFiles files, Path sweepDir, int total, Map<TrialStatus, Integer> kept, int toRun) {
        this.files = files;
        this.file = new Path(sweepDir, FILE_NAME);
        this.sweep = sweepDir.toString();
        this.total = total;
        this.toRun = toRun;
        for (TrialStatus status : TrialStatus.values()) {
            counts.put(status, kept.getOrDefault(status, 0));
        }
    }

    /** Reports every {@code every} until closed. */
    public void start(Duration every) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweep-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::report, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        report();
    }

    public synchronized void taskStarted() {
        running++;
    }

    public synchronized void taskEnded() {
        running = Math.max(0, running - 1);
    }

    public synchronized void trialFinished(TrialStatus status) {
        counts.merge(status, 1, Integer::sum);
        finishedThisRun++;
    }

    public synchronized int finishedThisRun() {
        return finishedThisRun;
    }

    synchronized String line(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        int done = counts.get(TrialStatus.DONE);
        int failed = counts.get(TrialStatus.FAILED);
        int skipped = counts.get(TrialStatus.SKIPPED);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "sweep: %d/%d trials finished (%d done, %d failed, %d skipped), "
                        + "%d running, %d pending, %s elapsed", done + failed + skipped, total, done, failed, skipped, running,
                pending(), Progress.format(elapsed)));
        Long eta = etaNanos(nowNanos);
        if (eta != null) {
            s.append(", ETA ").append(Progress.format(eta));
        }
        return s.toString();
    }

    private int pending() {
        return Math.max(0, toRun - finishedThisRun - running);
    }

    private Long etaNanos(long nowNanos) {
        int left = toRun - finishedThisRun;
        if (finishedThisRun == 0 || left <= 0 || finished) {
            return null;
        }
        return (long) ((double) (nowNanos - startNanos) / finishedThisRun * left);
    }

    synchronized byte[] json(long nowNanos) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("sweep", sweep);
        node.put("trials", total);
        node.put("toRunThisRun", toRun);
        node.put("done", counts.get(TrialStatus.DONE));
        node.put("failed", counts.get(TrialStatus.FAILED));
        node.put("skipped", counts.get(TrialStatus.SKIPPED));
        node.put("running", running);
        node.put("pending", pending());
        node.put("finishedThisRun", finishedThisRun);
        node.put("elapsedSeconds", Math.round((nowNanos - startNanos) / 1e7) / 100.0);
        Long eta = etaNanos(nowNanos);
        if (eta == null) {
            node.putNull("etaSeconds");
        } else {
            node.put("etaSeconds", Math.round(eta / 1e7) / 100.0);
        }
        node.put("startedAt", startedAt.toString());
        node.put("updatedAt", Instant.now().toString());
        node.put("finished", finished);
        return JSON.writeValueAsBytes(node);
    }

    private void report() {
        long now = System.nanoTime();
        LOG.info(line(now));
        try {
            files.writeAtomically(file, json(now));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write {}: {}", file, e.toString());
        }
    }

    /** Stops a ticker without interrupting a write in flight (an interrupted HDFS write leaves its temporary file). */
    static void stop(ScheduledExecutorService ticker) {
        if (ticker == null) {
            return;
        }
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(1, TimeUnit.MINUTES)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the ticker and reports the final state. */
    @Override
    public void close() {
        stop(ticker);
        synchronized (this) {
            finished = true;
            running = 0;
        }
        report();
    }
}
