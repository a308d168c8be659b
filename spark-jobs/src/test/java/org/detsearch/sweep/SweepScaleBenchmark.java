package org.detsearch.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.testing.LocalSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * How a sweep's own costs grow with its trial count: dry-run sweeps (each trial builds and counts a tiny RetinaNet,
 * nothing trains) of N trials on local[2], run twice: the first run plans, schedules N tasks, writes N records,
 * compacts them and rebuilds the results; the second finds every trial done (planning, one compacted file, the
 * results rebuild). Not a test (it takes long); run it with
 * {@code java -cp <test classpath> org.detsearch.sweep.SweepScaleBenchmark 100 1000 10000}.
 */
public final class SweepScaleBenchmark {
    private SweepScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(100, 1000) : java.util.Arrays.stream(args).map(Integer::parseInt).toList();
        Path data = SweepTestData.shared();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%8s | %-6s | %7s | %9s | %10s | %11s | %9s | %8s%n",
                "trials", "run", "plan s", "compact s", "trials s", "writes s", "compact s", "results s"));
        try (LocalSpark spark = LocalSpark.start()) {
            for (int n : sizes) {
                // 20 of the cheapest architectures to build (2 FPN widths x 2 head depths x 5 anchor scales) x n / 20 seeds:
                // the sweep's own costs, not the model building, are what is measured
                String seeds = LongStream.rangeClosed(1, n / 20).mapToObj(Long::toString).collect(Collectors.joining(", "));
                Path out = Files.createTempDirectory("sweep-scale-" + n);
                Config conf = ConfigFactory.parseString("sweep { dry-run = true, seeds = [" + seeds + "], "
                                + "grid.axes { head-depth = [0, 1], fpn-channels = [8, 16], anchor-scale = [3, 4, 5, 6, 7] }, "
                                + "model.retinanet.width = 0.0625, execution.threads-per-task = 1, progress-every = 30s }")
                        .withFallback(ConfigFactory.parseMap(Map.of("sweep.output", out.toString(),
                                "sweep.trial.data.train", data.resolve("train").toString(),
                                "sweep.trial.data.evaluation", data.resolve("val").toString())))
                        .withFallback(ConfigFactory.defaultReference()).resolve();
                HadoopFiles files = new HadoopFiles(spark.hadoopConf());
                SweepSpec spec = SweepSpec.from(ConfigView.of(conf, "sweep"), files, ModelFamilies.builtIn(), 2);
                for (String run : List.of("first", "again")) {
                    long start = System.nanoTime();
                    SweepJob.Result result = new SweepJob(spark.session(), ModelFamilies.builtIn()).run(spec, "");
                    SweepJob.Timings t = result.timings();
                    table.append(String.format(Locale.ROOT, "%8d | %-6s | %7.2f | %9.2f | %10.1f | %11.2f | %9.2f | %8.2f   (%d run, %.0f s wall)%n",
                            n, run, t.plan(), t.compactBefore(), t.trials(), t.recordWrites(), t.compactAfter(), t.results(),
                            result.ran(), (System.nanoTime() - start) / 1e9));
                    System.out.print(table);
                }
                org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
            }
        }
        System.out.println("\n" + table);
    }
}
