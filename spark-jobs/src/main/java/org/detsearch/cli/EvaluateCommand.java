package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.detection.NmsSpec;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;

import org.detsearch.evaluation.DistributedMatching;
import org.detsearch.evaluation.ModelEvaluation;
import org.detsearch.io.HadoopConf;
import org.detsearch.io.HadoopFiles;
import org.detsearch.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code detsearch evaluate}: COCO bbox metrics, identical to pycocotools, of a trained model on a prepared dataset
 * ({@code --model --data}) or of any results file ({@code --gt --dets}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"COCO bbox evaluation, identical to pycocotools' COCOeval: prints the 12 summary numbers as",
                "pycocotools lays them out and writes them as JSON (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs,",
                "ARm, ARl; per_class with --per-class). The ground truth is used as given (no validation or clipping).",
                "  evaluate --model RUN/model.zip --data PREPARED [--gt G.json] --output DIR",
                "      runs the model on the dataset's shards on Spark executors, writes DIR/detections.json (COCO results)",
                "      and DIR/metrics.json; the ground truth defaults to the COCO file the dataset was prepared from.",
                "  evaluate --gt G.json --dets D.json [--json OUT]   evaluates any results file."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--gt", paramLabel = "JSON", description = "COCO instances JSON (any Hadoop path)")
    String gt;

    @Option(names = "--dets", paramLabel = "JSON", description = "COCO results JSON (any Hadoop path)")
    String dets;

    @Option(names = "--model", paramLabel = "ZIP", description = "Trained model (a train run's model.zip) to run on --data")
    String model;

    @Option(names = "--data", paramLabel = "DIR", description = "Prepared dataset the model runs on (with --model)")
    String data;

    @Option(names = "--output", paramLabel = "DIR", description = "Folder for detections.json and metrics.json (with --model)")
    String output;

    @Option(names = "--nms", defaultValue = "hard", paramLabel = "METHOD",
            description = "hard (RetinaNet) or soft (EfficientDet's Gaussian soft-NMS, sigma 0.5), with --model (default: ${DEFAULT-VALUE})")
    String nms;

    @Option(names = "--batch-size", defaultValue = "8", description = "Images per forward pass, with --model (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the metrics here (any Hadoop path)")
    String json;

    @Option(names = "--per-class", description = "Also compute per-category numbers (per_class in the JSON)")
    boolean perClass;

    @Option(names = "--spark", description = "Match on Spark executors (spark-runtime.master), accumulate on the driver")
    boolean spark;

    @Option(names = "--tasks", defaultValue = "8", description = "Spark tasks for the matching with --spark (default: ${DEFAULT-VALUE})")
    int tasks;

    @Override
    public Integer call() throws Exception {
        if (spark && tasks < 1) {
            throw new ParameterException(spec.commandLine(), "--tasks must be at least 1, not " + tasks);
        }
        if ((model == null) == (dets == null)) {
            throw new ParameterException(spec.commandLine(), "give either --model with --data (run a model) or --dets with --gt (score a results file)");
        }
        Config conf = config.load(Map.of());
        return model != null ? evaluateModel(conf) : evaluateResults(conf);
    }

    private int evaluateModel(Config conf) throws IOException {
        if (data == null || output == null) {
            throw new ParameterException(spec.commandLine(), "--model needs --data (a prepared dataset) and --output (a folder)");
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, not " + batchSize);
        }
        ModelEvaluation.Result result;
        try (SparkSession session = SparkSessions.create(conf, "detsearch evaluate")) {
            result = new ModelEvaluation(session).run(model, data, gt, output, nmsSpec(), batchSize, perClass);
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, result);
        if (json != null) {
            writeMetrics(new HadoopFiles(HadoopConf.from(conf)), result.metrics(), out);
        }
        return ExitCodes.OK;
    }

    /** The console report of a model evaluation (the demo prints the same). */
    static void print(PrintWriter out, ModelEvaluation.Result result) {
        out.print(result.metrics().table());
        out.printf("evaluate: %d images, %d detections, inference %.1f s (%.1f images/s)%n", result.images(),
                result.detections(), result.inferenceSeconds(), result.images() / result.inferenceSeconds());
        out.println("evaluate: detections written to " + result.detectionsFile());
        out.println("evaluate: metrics written to " + result.metricsFile());
    }

    private NmsSpec nmsSpec() {
        return nmsSpec(spec, nms);
    }

    /** {@code --nms}: hard (per-class NMS, IoU 0.5) or soft (Gaussian soft-NMS, sigma 0.5, as EfficientDet evaluates). */
    static NmsSpec nmsSpec(CommandSpec spec, String nms) {
        return switch (nms) {
            case "hard" -> NmsSpec.HARD;
            case "soft" -> NmsSpec.EFFICIENTDET;
            default -> throw new ParameterException(spec.commandLine(), "--nms must be hard or soft, not " + nms);
        };
    }

    private int evaluateResults(Config conf) throws IOException {
        if (gt == null) {
            throw new ParameterException(spec.commandLine(), "--dets needs --gt (the COCO instances JSON to score against)");
        }
        HadoopFiles files = new HadoopFiles(HadoopConf.from(conf));
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        // The two files parse in parallel: on two cores that hides the smaller one.
        CompletableFuture<EvalGroundTruth> groundTruthRead = CompletableFuture.supplyAsync(() -> readGroundTruth(files, gt));
        DetectionTable detections;
        try (InputStream in = files.open(files.qualify(dets))) {
            detections = DetectionTable.read(in, dets);
        }
        EvalGroundTruth groundTruth = join(groundTruthRead);
        if (groundTruth.repeatedIds() > 0) {
            out.printf("evaluate: note: %d annotations share their id with a later one; as in pycocotools, each is "
                    + "evaluated as the last annotation with its id%n", groundTruth.repeatedIds());
        }
        long parsed = System.nanoTime();
        CocoMetrics metrics;
        if (spark) {
            try (SparkSession session = SparkSessions.create(conf, "detsearch evaluate")) {
                metrics = DistributedMatching.evaluate(session, groundTruth, detections, perClass, tasks);
            }
        } else {
            metrics = new CocoEvaluator().evaluate(groundTruth, detections, perClass);
        }
        long evaluated = System.nanoTime();
        out.print(metrics.table());
        out.printf("evaluate: %d images, %d ground-truth boxes, %d detections; read %.2f s, evaluated %.2f s%n",
                groundTruth.index().images(), groundTruth.annotations().size(), detections.size(),
                (parsed - start) / 1e9, (evaluated - parsed) / 1e9);
        if (json != null) {
            writeMetrics(files, metrics, out);
        }
        return ExitCodes.OK;
    }

    private void writeMetrics(HadoopFiles files, CocoMetrics metrics, PrintWriter out) throws IOException {
        Path target = files.qualify(json);
        files.writeAtomically(target, metrics.toJson());
        out.println("evaluate: metrics written to " + target);
    }

    private static EvalGroundTruth readGroundTruth(HadoopFiles files, String path) {
        try {
            return EvalGroundTruth.of(CocoJsonReader.readInstances(files, files.qualify(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }
}
