package org.detsearch.train;

import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.viz.LossCurveChart;

import java.io.IOException;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** {@code loss-curve.png} in the run folder: total, class and box loss against the iteration, redrawn at each checkpoint. */
public final class LossCurves {
    public static final String FILE_NAME = "loss-curve.png";
    private final HadoopFiles files;
    private final Path file;

    public LossCurves(HadoopFiles files, Path runDir) {
        this.files = files;
        this.file = new Path(runDir, FILE_NAME);
    }

    public void write(List<TrainingLog.Row> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        List<LossCurveChart.Series> series = List.of(series("loss", rows, TrainingLog.Row::loss),
                series("class", rows, TrainingLog.Row::classLoss), series("box", rows, TrainingLog.Row::boxLoss));
        files.writeAtomically(file, LossCurveChart.png("training loss (log scale)", series, 900, 500));
    }

    private static LossCurveChart.Series series(String name, List<TrainingLog.Row> rows, ToDoubleFunction<TrainingLog.Row> value) {
        long[] x = rows.stream().mapToLong(TrainingLog.Row::iteration).toArray();
        double[] y = rows.stream().mapToDouble(value).toArray();
        return new LossCurveChart.Series(name, x, y);
    }
}
