package org.detsearch.train;

import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last checkpoint of a training run, {@code checkpoint.zip} in the run's folder on any Hadoop path: the model
 * with its updater state and the position it reached (epochs finished, iterations done), in one file written
 * atomically, so model and position never disagree and a crash while writing leaves the previous one intact.
 */
public final class CheckpointStore {
    public static final String FILE_NAME = "checkpoint.zip";
    private static final String EPOCH_KEY = "detsearch-epoch";
    private static final String ITERATION_KEY = "detsearch-iteration";

    /** A restored checkpoint: the model and how far training had got. */
    public record Checkpoint(DetectorModel model, int epoch, int iteration) {
    }

    private final HadoopFiles files;
    private final Path file;

    public CheckpointStore(HadoopFiles files, Path runDir) {
        this.files = files;
        this.file = new Path(runDir, FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public void save(DetectorModel model, int epoch, int iteration) throws IOException {
        model.save(files, file, true, Map.of(EPOCH_KEY, epoch, ITERATION_KEY, iteration));
    }

    public Optional<Checkpoint> restore() throws IOException {
        if (!files.exists(file)) {
            return Optional.empty();
        }
        Map<String, Object> position = new HashMap<>();
        position.put(EPOCH_KEY, null);
        position.put(ITERATION_KEY, null);
        DetectorModel model = DetectorModel.load(files, file, true, position);
        if (position.get(ITERATION_KEY) == null || position.get(EPOCH_KEY) == null) {
            throw new IOException(file + " has no training position: not a checkpoint");
        }
        return Optional.of(new Checkpoint(model, (Integer) position.get(EPOCH_KEY), (Integer) position.get(ITERATION_KEY)));
    }
}
