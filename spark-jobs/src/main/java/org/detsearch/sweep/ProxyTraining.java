package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoCategory;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.detsearch.scaling.TrialConfig;
import org.detsearch.train.TrainingLog;

import java.io.IOException;
import java.util.List;

/**
 * A trial's proxy training: inside the trial's own JVM ({@link InProcessTraining}, what a Spark task per trial
 * runs) or data-parallel over Spark workers ({@link DataParallelTraining}, driven from the driver, for variants too
 * big for one device). Either resumes from a checkpoint in {@code workDir} left by an interrupted attempt.
 */
public interface ProxyTraining {
    /** A trained proxy: the model, its loss history, the images it trained on and where it resumed (0 = fresh). */
    record Trained(DetectorModel model, List<TrainingLog.Row> history, int images, int resumedFromIteration) {
    }

    /**
     * Trains {@code spec} (at the proxy input size) from its seeded initialisation on the trial's first {@code images}
     * training images in subset order ({@link TrialRunner#trainingImages}) with the trial's settings and seed.
     */
    Trained train(TrialConfig config, TrialSettings settings, DetectorSpec spec, List<CocoCategory> categories,
                  long images, Path workDir) throws IOException;
}
