package org.detsearch.sweep;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorSpec;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.ModelFamily;
import org.detsearch.scaling.RetinaNetFamily;
import org.detsearch.scaling.ScaleMultipliers;
import org.detsearch.scaling.TrialConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One trial in one JVM, without Spark: what each outcome's record holds. */
class TrialRunnerTest {
    private static java.nio.file.Path data;

    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());

    @BeforeAll
    static void prepare() {
        data = SweepTestData.shared();
    }

    private static TrialRunner runner(java.nio.file.Path work) {
        return new TrialRunner(FILES, ModelFamilies.builtIn(), new InProcessTraining(FILES, 1), new Path(work.toUri()), false);
    }

    private static TrialConfig trial(SortedMap<String, Object> architecture, SortedMap<String, Object> settings) {
        return new TrialConfig("retinanet", architecture, 7, 1.0, settings);
    }

    @Test
    void aTrialIsCountedTimedTrainedAndEvaluated(@TempDir java.nio.file.Path work) throws Exception {
        TrialConfig config = trial(SweepTestData.tinyArchitecture(), SweepTestData.settings(data, false));
        TrialRecord r = runner(work).run(config, Map.of("kind", "grid"), 1, new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.DONE, r.status(), () -> String.valueOf(r.error()));
        assertEquals(config.id(), r.id());
        assertEquals(config, r.trialConfig(), "the record holds the canonical config");
        assertTrue(r.trainableParams() > 10_000 && r.trainableParams() < r.allParams(), r.trainableParams() + " / " + r.allParams());
        assertTrue(r.multiplyAdds() > 1_000_000, "multiply-adds " + r.multiplyAdds());
        assertEquals(128, r.imageSize());
        assertEquals(128, r.proxyImageSize());
        assertEquals(3, r.latency().runs());
        assertTrue(r.latency().minMs() > 0 && r.latency().minMs() <= r.latency().medianMs() && r.latency().medianMs() <= r.latency().maxMs());
        assertEquals(CocoMetrics.KEYS, r.metrics().keySet().stream().toList());
        r.metrics().values().forEach(v -> assertTrue(v >= -1 && v <= 1, "metric " + v));
        assertEquals(2, r.training().iterations(), "4 images in batches of 2, one epoch");
        assertEquals(4, r.training().images());
        assertTrue(Double.isFinite(r.training().finalLoss()) && r.training().minLoss() <= r.training().firstLoss());
        assertEquals(4, r.evaluation().images());
        for (String timing : new String[] {"buildSeconds", "latencySeconds", "trainSeconds", "evaluationSeconds", "totalSeconds"}) {
            assertTrue(r.timings().get(timing) >= 0, timing + " in " + r.timings());
        }
        assertNull(r.error());
        assertEquals("tiny x0.125, FPN 16, head 1, 128 px", r.architecture());
        assertFalse(Files.exists(work.resolve(config.id())), "the work folder of a DONE trial is deleted");
        TrialRecord back = TrialRecord.fromJson(r.toJson(), "test");
        assertEquals(r.id(), back.id());
        assertEquals(r.metrics(), back.metrics());
        assertEquals(r.latency(), back.latency());
    }

    @Test
    void aTinyEfficientDetTrialTrainsAtHalfItsSize(@TempDir java.nio.file.Path work) {
        SortedMap<String, Object> tiny = org.detsearch.scaling.TinyArchitectures.efficientDet(256);
        SortedMap<String, Object> settings = SweepTestData.settings(data, false);
        settings.put("budget", Map.of("images", 4, "epochs", 1, "resolution-scale", 0.5, "batch-size", 2));
        TrialRecord r = runner(work).run(new TrialConfig("efficientdet", tiny, 7, 1.0, settings), Map.of(), 1,
                new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.DONE, r.status(), () -> String.valueOf(r.error()));
        assertEquals(256, r.imageSize(), "counted and timed at its own size");
        assertEquals(128, r.proxyImageSize(), "trained and evaluated at half");
        assertEquals(2, r.training().iterations());
        assertEquals(12, r.metrics().size());
        assertTrue(r.architecture().startsWith("B0 x(w 0.25, d 0.1), BiFPN 16x1"), r.architecture());
    }

    @Test
    void aTrialOverTheBudgetIsCountedAndSkippedAndADryRunOnlyCounts(@TempDir java.nio.file.Path work) {
        TrialConfig config = trial(SweepTestData.tinyArchitecture(), SweepTestData.settings(data, false));
        TrialRecord skipped = runner(work).run(config, Map.of(), 1, new TrialRecord.Budget(10_000, 0), "test");
        assertEquals(TrialStatus.SKIPPED, skipped.status());
        assertTrue(skipped.trainableParams() > 10_000);
        assertNotNull(skipped.multiplyAdds());
        assertTrue(skipped.skipReason().startsWith("over budget: "), skipped.skipReason());
        assertTrue(skipped.skipReason().contains("(limit 10,000)"), skipped.skipReason());
        assertEquals(new TrialRecord.Budget(10_000, 0), skipped.budget());
        assertNull(skipped.latency());
        assertNull(skipped.training(), "never trained");
        assertFalse(skipped.timings().containsKey("trainSeconds"));

        TrialConfig dry = trial(SweepTestData.tinyArchitecture(), SweepTestData.settings(data, true));
        TrialRecord counted = runner(work).run(dry, Map.of(), 1, new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.DONE, counted.status());
        assertEquals(skipped.trainableParams(), counted.trainableParams(), "the same architecture counts the same");
        assertEquals(skipped.multiplyAdds(), counted.multiplyAdds());
        assertNull(counted.latency());
        assertNull(counted.metrics());
        assertNull(counted.training());
        assertTrue(!dry.id().equals(config.id()), "a dry run's trial is not the trained one");
    }

    @Test
    void anImpossibleArchitectureFailsWithItsReason(@TempDir java.nio.file.Path work) {
        SortedMap<String, Object> groups = SweepTestData.tinyArchitecture();
        groups.put("head-group-norm", 3);
        TrialRecord r = runner(work).run(trial(groups, SweepTestData.settings(data, false)), Map.of(), 2,
                new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.FAILED, r.status());
        assertEquals(2, r.attempt());
        assertEquals("org.detsearch.config.ConfigValidationException", r.error().type());
        assertTrue(r.error().message().contains("must divide the 16 FPN channels"), r.error().message());
        assertTrue(r.error().stackTrace().contains("RetinaNetSpec"), "where it broke");
        assertNull(r.trainableParams());
    }

    @Test
    void aDivergingTrialFailsWithItsIterationAndLossPart(@TempDir java.nio.file.Path work) {
        SortedMap<String, Object> settings = SweepTestData.settings(data, false);
        settings.put("optimizer", SweepTestData.optimizer("sgd", 100, 1e9));
        settings.put("budget", Map.of("images", 8, "epochs", 4, "resolution-scale", 1.0, "batch-size", 2));
        TrialRecord r = runner(work).run(trial(SweepTestData.tinyArchitecture(), settings), Map.of(), 1,
                new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.FAILED, r.status(), "a learning rate of 100 must blow up");
        assertEquals("org.detsearch.train.TrainingDivergedException", r.error().type());
        assertTrue(r.error().message().matches("training diverged at iteration \\d+: the (class|box) loss is (NaN|-?Infinity).*"),
                r.error().message());
        assertNotNull(r.latency(), "measured before training, kept");
        assertNotNull(r.trainableParams());
    }

    /**
     * A family whose every architecture is beyond the JVM: its spec asks for an array over the VM's limit, which the
     * JVM refuses with an OutOfMemoryError at once, without taking the memory (a real too-big variant would first
     * fill the machine: one of 2 billion parameters took 14 GB and 11 minutes to fail here).
     */
    static final class GreedyFamily implements ModelFamily {
        @Override
        public String name() {
            return "greedy";
        }

        @Override
        public DetectorSpec spec(Map<String, Object> architecture, int numClasses, int imageSize) {
            long[] weights = new long[Integer.MAX_VALUE];
            throw new IllegalStateException("allocated " + weights.length);
        }

        @Override
        public int imageSize(Map<String, Object> architecture) {
            return 128;
        }

        @Override
        public int roundImageSize(Map<String, Object> architecture, double size) {
            return 128;
        }

        @Override
        public SortedMap<String, Object> scaled(Map<String, Object> base, ScaleMultipliers multipliers) {
            return new TreeMap<>(base);
        }

        @Override
        public String describe(Map<String, Object> architecture) {
            return "greedy";
        }
    }

    @Test
    void anOutOfMemoryErrorFailsTheTrialAndTheJvmGoesOn(@TempDir java.nio.file.Path work) {
        ModelFamilies families = new ModelFamilies(List.of(new RetinaNetFamily(), new GreedyFamily()));
        TrialRunner runner = new TrialRunner(FILES, families, new InProcessTraining(FILES, 1), new Path(work.toUri()), false);
        TrialConfig greedy = new TrialConfig("greedy", SweepTestData.tinyArchitecture(), 7, 1.0, SweepTestData.settings(data, false));
        TrialRecord r = runner.run(greedy, Map.of(), 1, new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.FAILED, r.status());
        assertEquals("java.lang.OutOfMemoryError", r.error().type(), r.error().stackTrace());
        assertTrue(r.error().message().contains("exceeds VM limit"), r.error().message());
        TrialRecord next = runner.run(trial(SweepTestData.tinyArchitecture(), SweepTestData.settings(data, true)),
                Map.of(), 1, new TrialRecord.Budget(0, 0), "test");
        assertEquals(TrialStatus.DONE, next.status(), "the next trial in the same JVM runs");
    }
}
