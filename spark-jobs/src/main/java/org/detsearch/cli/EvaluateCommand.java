package org.detsearch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.evaluation.DistributedMatching;
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

/** {@code detsearch evaluate --gt G --dets D}: COCO bbox metrics of any results file, identical to pycocotools. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"COCO bbox evaluation of a results (detections) file against COCO ground truth, identical to",
                "pycocotools' COCOeval: prints the 12 summary numbers as pycocotools lays them out and writes them as",
                "JSON (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl; per_class with --per-class).",
                "The ground truth is used as given (no validation or clipping), as pycocotools does."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "JSON", description = "COCO instances JSON (any Hadoop path)")
    String gt;

    @Option(names = "--dets", required = true, paramLabel = "JSON", description = "COCO results JSON (any Hadoop path)")
    String dets;

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
        Config conf = config.load(Map.of());
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
            Path target = files.qualify(json);
            byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(metrics.toMap());
            files.writeAtomically(target, bytes);
            out.println("evaluate: metrics written to " + target);
        }
        return ExitCodes.OK;
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
