package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoCategory;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.Manifest;
import org.detsearch.data.ShardFiles;
import org.detsearch.data.ShardReader;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.detsearch.scaling.TrialConfig;
import org.detsearch.train.CheckpointStore;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainSpec;
import org.detsearch.train.TrainingLog;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * Proxy training of one trial data-parallel over Spark workers with DL4J parameter averaging, run from the driver:
 * the train job's own loop ({@link TrainJob}) on the trial's images (the same selection as in-process training,
 * found by reading only the image ids), with its checkpoints, resume and divergence stop, in the trial's work folder.
 * A work folder already holding the trained model (the driver died after training) is not trained again.
 */
public final class DataParallelTraining implements ProxyTraining {
    private final SparkSession spark;
    private final HadoopFiles files;

    public DataParallelTraining(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    @Override
    public Trained train(TrialConfig config, TrialSettings settings, DetectorSpec spec, List<CocoCategory> categories,
                         long images, Path workDir) throws IOException {
        Path modelFile = new Path(workDir, TrainJob.MODEL);
        TrainSpec train = settings.trainSpec(TrainSpec.Mode.SPARK, config.seed(), spec.imageSize(), Integer.MAX_VALUE);
        TrainJob job = new TrainJob(spark);
        int resumedFrom = 0;
        int iterations;
        if (!files.exists(modelFile)) {
            Path dataset = files.qualify(settings.trainData());
            ShardFiles.Selection selection = new ShardFiles(files).select(dataset, Manifest.read(files, dataset),
                    settings.subsetSeed(), images);
            Set<Long> ids = selection.imageIds();
            int workers = job.workers(train);
            JavaRDD<LoadedImage> encoded = new ShardReader(spark).encoded(selection.shards(), workers)
                    .filter(image -> ids.contains(image.annotations().imageId()))
                    .repartition(workers);
            // a checkpoint resumes; anything else in the work folder is an attempt that died before its first one
            boolean resumable = files.exists(new Path(workDir, CheckpointStore.FILE_NAME));
            TrainJob.Result result = job.run(train, spec, categories, encoded, ids.size(), workDir, !resumable,
                    "# sweep trial " + config.id() + "\n" + config.canonicalJson() + "\n", "");
            resumedFrom = result.resumedFromIteration();
            iterations = result.iterations();
        } else {
            iterations = Integer.MAX_VALUE;
        }
        DetectorModel model = DetectorModel.load(files, modelFile, false, new HashMap<>());
        List<TrainingLog.Row> history = new TrainingLog(files, workDir, iterations, iterations, settings.epochs()).rows();
        return new Trained(model, history, (int) images, resumedFrom);
    }
}
