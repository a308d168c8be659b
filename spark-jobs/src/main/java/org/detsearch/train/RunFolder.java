package org.detsearch.train;

import org.apache.hadoop.fs.Path;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.detsearch.model.DetectorSpec;

import java.io.IOException;
import java.util.Optional;

/** The run folder of a training job (train, search): claimed for a fresh run, or the checkpoint to resume from. */
public final class RunFolder {
    private RunFolder() {
    }

    /**
     * @param finished the file a finished run leaves ({@code model.zip}, {@code genotype.json}): such a folder is refused
     *                 unless overwriting
     * @return the checkpoint to resume from; empty when the folder was claimed for a fresh run
     * @throws ConfigValidationException when the checkpoint is of another model than {@code spec}
     */
    public static Optional<CheckpointStore.Checkpoint> claimOrResume(HadoopFiles files, Path runDir, CheckpointStore checkpoints,
                                                                     DetectorSpec spec, boolean overwrite, String finished)
            throws IOException {
        if (!overwrite && files.exists(new Path(runDir, finished))) {
            throw new OutputFolder.OutputExistsException("output " + runDir + " already holds a finished run (" + finished
                    + "); choose another output or set overwrite = true to start again");
        }
        if (!overwrite && files.exists(checkpoints.file())) {
            CheckpointStore.Checkpoint checkpoint = checkpoints.restore().orElseThrow();
            if (!checkpoint.model().spec().equals(spec)) {
                throw new ConfigValidationException("the checkpoint in " + runDir + " is of another model ("
                        + checkpoint.model().spec() + ", not " + spec + "); set overwrite = true to start again", null);
            }
            return Optional.of(checkpoint);
        }
        OutputFolder.claim(files, runDir, overwrite, finished);
        return Optional.empty();
    }
}
