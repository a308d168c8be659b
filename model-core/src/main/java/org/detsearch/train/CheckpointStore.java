package org.detsearch.train;

import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    private static final String AVERAGE_KEY = "detsearch-weight-average";

    /**
     * A restored checkpoint: the model, how far training had got and the moving average of its weights (null when
     * the run keeps none).
     */
    public record Checkpoint(DetectorModel model, int epoch, int iteration, INDArray average) {
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
        save(model, epoch, iteration, null);
    }

    /** @param average the moving average of the weights, or null */
    public void save(DetectorModel model, int epoch, int iteration, WeightAverage average) throws IOException {
        Map<String, java.io.Serializable> extras = new HashMap<>(Map.of(EPOCH_KEY, epoch, ITERATION_KEY, iteration));
        if (average != null) {
            // a primitive array: Java serialisation writes it in bulk (an INDArray's goes element by element)
            extras.put(AVERAGE_KEY, average.values().data().asFloat());
        }
        model.save(files, file, true, extras);
    }

    public Optional<Checkpoint> restore() throws IOException {
        if (!files.exists(file)) {
            return Optional.empty();
        }
        Map<String, Object> position = new HashMap<>();
        position.put(EPOCH_KEY, null);
        position.put(ITERATION_KEY, null);
        position.put(AVERAGE_KEY, null);
        DetectorModel model = DetectorModel.load(files, file, true, position);
        if (position.get(ITERATION_KEY) == null || position.get(EPOCH_KEY) == null) {
            throw new IOException(file + " has no training position: not a checkpoint");
        }
        INDArray average = position.get(AVERAGE_KEY) instanceof float[] values
                ? Nd4j.createFromArray(values).castTo(model.net().params().dataType()).reshape(model.net().params().shape()) : null;
        return Optional.of(new Checkpoint(model, (Integer) position.get(EPOCH_KEY), (Integer) position.get(ITERATION_KEY), average));
    }
}
