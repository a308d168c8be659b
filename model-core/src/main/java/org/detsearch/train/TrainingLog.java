package org.detsearch.train;

import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a training run reports: a console line per few seconds (epoch, iteration, each loss part, learning rate,
 * images/s, ETA) and {@code history.csv} in the run folder, one row per logged step, rewritten atomically with
 * each checkpoint. A resumed run reads the history back and drops rows beyond its checkpoint, so the file never
 * holds an iteration twice.
 */
public final class TrainingLog {
    private static final Logger LOG = LoggerFactory.getLogger("progress");
    public static final String FILE_NAME = "history.csv";
    private static final String HEADER = "iteration,epoch,loss,class_loss,box_loss,learning_rate,images_per_second";
    private static final long MIN_INTERVAL_NANOS = 5_000_000_000L;

    /** One logged step; {@code epoch} counts from 1. */
    public record Row(int iteration, int epoch, double loss, double classLoss, double boxLoss, double learningRate,
                      double imagesPerSecond) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g,%.6g,%.4g", iteration, epoch, loss, classLoss, boxLoss,
                    learningRate, imagesPerSecond);
        }

        static Row parse(String line) {
            String[] f = line.split(",");
            return new Row(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        }
    }

    private final HadoopFiles files;
    private final Path file;
    private final List<Row> rows = new ArrayList<>();
    private final int totalIterations;
    private final int epochs;
    private final long startNanos = System.nanoTime();
    private final int firstIteration;
    private final String label;
    private long lastLineNanos;

    /** Continues the history of {@code runDir} up to {@code resumedIteration} (0 for a fresh run). */
    public TrainingLog(HadoopFiles files, Path runDir, int resumedIteration, int totalIterations, int epochs) throws IOException {
        this(files, runDir, resumedIteration, totalIterations, epochs, "train");
    }

    /** @param label the job the progress lines name ({@code train}, {@code search}) */
    public TrainingLog(HadoopFiles files, Path runDir, int resumedIteration, int totalIterations, int epochs, String label)
            throws IOException {
        this.label = label;
        this.files = files;
        this.file = new Path(runDir, FILE_NAME);
        this.totalIterations = totalIterations;
        this.epochs = epochs;
        this.firstIteration = resumedIteration;
        if (resumedIteration > 0 && files.exists(file)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(files.open(file), StandardCharsets.UTF_8))) {
                in.lines().skip(1).filter(l -> !l.isBlank()).map(Row::parse)
                        .filter(r -> r.iteration() <= resumedIteration).forEach(rows::add);
            }
        }
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Records a step and prints a line when the last is a few seconds old (or {@code always}). */
    public void record(Row row, boolean always) {
        rows.add(row);
        long now = System.nanoTime();
        if (always || row.iteration() >= totalIterations || now - lastLineNanos >= MIN_INTERVAL_NANOS) {
            lastLineNanos = now;
            LOG.info(line(row, now));
        }
    }

    String line(Row row, long nowNanos) {
        long elapsed = nowNanos - startNanos;
        int done = row.iteration() - firstIteration;
        String eta = done > 0 && row.iteration() < totalIterations
                ? ", ETA " + Progress.format((long) ((double) elapsed / done * (totalIterations - row.iteration()))) : "";
        return String.format(Locale.ROOT, "%s: epoch %d/%d, iteration %d/%d (%d%%), loss %.4f (class %.4f, box %.4f), "
                        + "lr %.3g, %.1f images/s, %s elapsed%s", label, row.epoch(), epochs, row.iteration(), totalIterations,
                Math.round(100.0 * row.iteration() / totalIterations), row.loss(), row.classLoss(), row.boxLoss(),
                row.learningRate(), row.imagesPerSecond(), Progress.format(elapsed), eta);
    }

    /** Rewrites {@code history.csv} with every row so far. */
    public void flush() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Row row : rows) {
            csv.append(row.csv()).append('\n');
        }
        files.writeAtomically(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }
}
