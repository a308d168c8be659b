package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.bench.BenchmarkLog;
import org.detsearch.bench.StepModel;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.ShardReader;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.ImagePipeline;
import org.detsearch.model.DetectorSpec;
import org.detsearch.spark.SparkSessions;
import org.detsearch.train.SparkDetectorTraining;
import org.detsearch.train.TrainSpec;
import org.detsearch.train.TrainingBatches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code detsearch bench loader}: the training input pipeline on one core. The encoded images of a prepared dataset
 * are read from its Parquet shards (timed apart), then decoded, augmented, target-encoded and batched in this
 * thread by the classes every executor runs ({@link SparkDetectorTraining#decoded}, {@link TrainingBatches}), for a
 * detector's input size and anchors; compared with what that detector's training step consumes.
 */
@Command(name = "loader", mixinStandardHelpOptions = true,
        description = {"Images/s of the training input pipeline on one core (decode + augment + anchor targets + batch, the",
                "executors' own classes) from Parquet shards, for a detector's input and anchors, vs the images/s its",
                "training step consumes (from the bench train result of the same model and size, when there is one)."})
public final class BenchLoaderCommand implements Callable<Integer> {
    static final String NAME = "loader";
    static final double HEADROOM_GOAL = 3.0;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Mixin
    ConfigOptions config;

    @Option(names = "--data", paramLabel = "DIR", description = "A prepared dataset (default: synthetic images generated"
            + " and prepared under --work)")
    String data;

    @Option(names = "--work", defaultValue = "target/bench-work", description = "Folder of the generated data (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--source-size", defaultValue = "640",
            description = "Side of the generated images when no --data (default: ${DEFAULT-VALUE}, COCO's)")
    int sourceSize;

    @Option(names = "--images", defaultValue = "64", description = "Images to generate and load (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--model", defaultValue = "retinanet-r50", paramLabel = "NAME",
            description = "Detector whose input size, anchors and augmentation are built: retinanet-r50, efficientdet-d0"
                    + " or tiny (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--image-size", paramLabel = "PX", description = "Network input side (default: 512; tiny: the demo's)")
    Integer imageSize;

    @Option(names = "--batch", defaultValue = "2", description = "Images per minibatch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--train-json", paramLabel = "FILE", description = "The bench train result to compare with"
            + " (default: target/bench/bench-train-<model>.json)")
    Path trainJson;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || batch < 1) {
            throw new ParameterException(spec.commandLine(), "need --images and --batch >= 1");
        }
        Config conf = config.load(Map.of());
        int size = imageSize != null ? imageSize : StepModel.defaultImageSize(model, conf);
        DetectorSpec detector;
        try {
            detector = StepModel.detectorSpec(model, size, conf);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TrainSpec train = StepModel.trainSpec(model, size, conf);
        PrintWriter out = spec.commandLine().getOut();
        List<LoadedImage> loaded;
        double parquetSeconds;
        int numClasses;
        String dataset;
        try (SparkSession spark = SparkSessions.create(BenchData.withMaster(conf, "local[1]"), "detsearch bench loader")) {
            dataset = data != null ? data
                    : BenchData.prepared(spark, conf, work, images, Math.max(4, images / 4), sourceSize, out).train().toString();
            ShardReader reader = new ShardReader(spark);
            numClasses = reader.manifest(dataset).categories().size();
            long start = System.nanoTime();
            loaded = reader.encoded(dataset, 1).take(images);
            parquetSeconds = (System.nanoTime() - start) / 1e9;
        }
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("dataset " + dataset + " holds no images");
        }
        // the dataset's labels (0..K-1) are encoded against the detector's anchors
        TargetEncoder encoder = new TargetEncoder(new AnchorGrid(detector.anchors(), size, size), numClasses);
        long start = System.nanoTime();
        TrainingBatches batches = new TrainingBatches(SparkDetectorTraining.decoded(loaded.iterator()),
                new ImagePipeline(train.pipeline()), encoder, batch, train.seed(), 0);
        int minibatches = 0;
        while (batches.hasNext()) {
            batches.next();
            minibatches++;
        }
        double pipelineSeconds = (System.nanoTime() - start) / 1e9;
        double perCore = loaded.size() / pipelineSeconds;
        out.printf(Locale.ROOT, "bench loader: %d images in %d minibatches: Parquet read %.2f s, decode + augment + targets %.2f s"
                + " = %.1f images/s on one core%n", loaded.size(), minibatches, parquetSeconds, pipelineSeconds, perCore);

        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("model", model);
        parameters.put("imageSize", size);
        parameters.put("batch", batch);
        parameters.put("images", loaded.size());
        parameters.put("data", data != null ? data : "synthetic " + sourceSize + " px");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("parquetSeconds", parquetSeconds);
        results.put("parquetImagesPerSecond", loaded.size() / parquetSeconds);
        results.put("pipelineSeconds", pipelineSeconds);
        results.put("imagesPerSecondPerCore", perCore);
        String headline = String.format(Locale.ROOT, "%.1f images/s per core (Parquet read %.0f images/s)", perCore,
                loaded.size() / parquetSeconds);
        Boolean met = null;
        Path trainResult = trainJson != null ? trainJson : BenchOutput.defaultJson(BenchTrainCommand.NAME + "-" + model);
        Optional<JsonNode> training = BenchmarkLog.read(trainResult);
        if (training.isPresent() && training.get().at("/parameters/imageSize").asInt() == size) {
            double consumed = training.get().at("/results/imagesPerSecond").asDouble();
            results.put("trainingImagesPerSecond", consumed);
            results.put("headroom", perCore / consumed);
            met = perCore >= HEADROOM_GOAL * consumed;
            headline += String.format(Locale.ROOT, "; training consumes %.2f images/s: %.1fx", consumed, perCore / consumed);
        } else {
            headline += "; no bench train result of " + model + " at " + size + " px to compare with";
        }
        output.record(new BenchmarkLog.Result(NAME, parameters, results, headline,
                "loader (one core) >= 3 x the images/s training consumes", met), NAME, out);
        return ExitCodes.OK;
    }
}
