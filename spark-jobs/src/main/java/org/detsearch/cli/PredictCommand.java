package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.evaluation.PredictJob;
import org.detsearch.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch predict}: a trained model on image files, with COCO results and drawn copies of the images. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Run a trained model (a train run's model.zip) on an image file or a folder of .jpg/.jpeg/.png",
                "files (any Hadoop path) on Spark executors. Writes OUT/detections.json (COCO results), OUT/images.json",
                "(the images by id, COCO format) and OUT/drawn/ (each image with its boxes, labels and scores drawn)."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "Trained model (model.zip or checkpoint.zip)")
    String model;

    @Option(names = "--images", required = true, paramLabel = "PATH", description = "An image file or a folder of images")
    String images;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must not exist unless --overwrite)")
    String out;

    @Option(names = "--min-score", defaultValue = "0.3", paramLabel = "S",
            description = "Draw detections scoring at least this; all go to detections.json (default: ${DEFAULT-VALUE})")
    double minScore;

    @Option(names = "--nms", defaultValue = "hard", paramLabel = "METHOD",
            description = "hard (per-class NMS) or soft (Gaussian soft-NMS) (default: ${DEFAULT-VALUE})")
    String nms;

    @Option(names = "--batch-size", defaultValue = "8", description = "Images per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--overwrite", description = "Replace an existing output folder")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, not " + batchSize);
        }
        if (minScore < 0 || minScore > 1) {
            throw new ParameterException(spec.commandLine(), "--min-score must be in [0, 1], not " + minScore);
        }
        Config conf = config.load(Map.of());
        PredictJob.Result result;
        try (SparkSession spark = SparkSessions.create(conf, "detsearch predict")) {
            result = new PredictJob(spark).run(model, images, out, EvaluateCommand.nmsSpec(spec, nms), batchSize, minScore, overwrite);
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf("predict: %d images, %d detections; results in %s (%s, %s), drawn images in %s/%s (scores >= %.2f)%n",
                result.images(), result.detections(), result.output(), PredictJob.DETECTIONS, PredictJob.IMAGES,
                result.output(), PredictJob.DRAWN, minScore);
        for (String skipped : result.skipped()) {
            console.println("predict: skipped " + skipped);
        }
        return ExitCodes.OK;
    }
}
