package org.detsearch.cli;

import org.detsearch.bench.BenchmarkLog;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.eval.EvalWorkloadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detsearch bench eval}: COCO evaluation of a COCO-val-sized workload (by default 5,000 images, ~8 boxes
 * and 100 detections each), parsing included, timed in this JVM. Generates the workload first when missing.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Time COCO evaluation (JSON parsing included) on a generated COCO-val-sized workload.",
                "The same files can be timed end to end with: detsearch evaluate --gt DIR/gt.json --dets DIR/dets.json"})
public final class BenchEvalCommand implements Callable<Integer> {
    static final String NAME = "eval";

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Option(names = "--work", defaultValue = "target/bench-eval", description = "Workload folder (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--images", defaultValue = "5000", description = "Images (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--gt-per-image", defaultValue = "8", description = "Mean ground-truth boxes per image (default: ${DEFAULT-VALUE})")
    int gtPerImage;

    @Option(names = "--dets-per-image", defaultValue = "100", description = "Detections per image (default: ${DEFAULT-VALUE})")
    int detsPerImage;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed runs (default: ${DEFAULT-VALUE})")
    int repeat;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat must be at least 1, not " + repeat);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path gt = work.resolve("gt.json");
        Path dets = work.resolve("dets.json");
        if (!Files.isRegularFile(gt) || !Files.isRegularFile(dets)) {
            out.printf("bench eval: generating %d images x %d detections into %s%n", images, detsPerImage, work);
            EvalWorkloadGenerator.write(EvalWorkloadGenerator.generate(images, gtPerImage, detsPerImage, 42), work);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        double best = Double.MAX_VALUE;
        CocoMetrics metrics = null;
        for (int run = 1; run <= repeat; run++) {
            long start = System.nanoTime();
            EvalGroundTruth groundTruth;
            try (InputStream in = Files.newInputStream(gt)) {
                groundTruth = EvalGroundTruth.of(CocoJsonReader.readInstances(in, gt.toString()));
            }
            DetectionTable table;
            try (InputStream in = Files.newInputStream(dets)) {
                table = DetectionTable.read(in, dets.toString());
            }
            long parsed = System.nanoTime();
            metrics = new CocoEvaluator().evaluate(groundTruth, table, false);
            long done = System.nanoTime();
            double total = (done - start) / 1e9;
            best = Math.min(best, total);
            out.printf("bench eval: run %d: parse %.2f s + evaluate %.2f s = %.2f s (%d boxes, %d detections)%n", run,
                    (parsed - start) / 1e9, (done - parsed) / 1e9, total, groundTruth.annotations().size(), table.size());
            result.put("run" + run, Map.of("parseSeconds", (parsed - start) / 1e9, "evaluateSeconds", (done - parsed) / 1e9));
        }
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        result.put("bestSeconds", best);
        result.put("peakHeapBytes", peakHeap);
        result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        result.put("AP", metrics.get("AP"));
        out.printf("bench eval: best %.2f s; peak heap %d MB of %d MB; AP %.4f%n", best, peakHeap >> 20,
                Runtime.getRuntime().maxMemory() >> 20, metrics.get("AP"));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("images", images);
        parameters.put("gtPerImage", gtPerImage);
        parameters.put("detsPerImage", detsPerImage);
        parameters.put("repeat", repeat);
        output.record(new BenchmarkLog.Result(NAME, parameters, result, String.format(java.util.Locale.ROOT,
                "best %.2f s (parse + evaluate), peak heap %d MB", best, peakHeap >> 20), "", null), NAME, out);
        return ExitCodes.OK;
    }

}
