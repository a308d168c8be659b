package org.detsearch.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Progress lines for people: "label: done/total unit (pct), elapsed, ETA", at most one every few seconds plus
 * the last one. The ETA assumes the remaining items take as long on average as the finished ones.
 */
public final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger("progress");
    private static final long MIN_INTERVAL_NANOS = 5_000_000_000L;

    private final String label;
    private final String unit;
    private final long total;
    private final long startNanos;
    private long done;
    private long lastReportNanos;

    public Progress(String label, String unit, long total) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastReportNanos = startNanos;
    }

    public synchronized void advance(long count) {
        done += count;
        long now = System.nanoTime();
        if (done >= total || now - lastReportNanos >= MIN_INTERVAL_NANOS) {
            lastReportNanos = now;
            LOG.info(line(now));
        }
    }

    public synchronized String line(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        StringBuilder s = new StringBuilder()
                .append(label).append(": ").append(done).append('/').append(total).append(' ').append(unit);
        if (total > 0) {
            s.append(" (").append(Math.round(100.0 * done / total)).append("%)");
        }
        s.append(", ").append(format(elapsed)).append(" elapsed");
        if (done > 0 && done < total) {
            s.append(", ETA ").append(format((long) ((double) elapsed / done * (total - done))));
        }
        return s.toString();
    }

    public static String format(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        long h = d.toHours();
        return h > 0
                ? String.format("%d:%02d:%02d", h, d.toMinutesPart(), d.toSecondsPart())
                : String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }
}
