package org.detsearch.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.hadoop.conf.Configuration;
import org.detsearch.config.ConfigLoader;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.Trial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep section as planning reads it, without Spark: which trials a config gives and which configs are refused. */
class SweepSpecTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());

    private static SweepSpec spec(String hocon, Map<String, String> overrides) {
        Config conf = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseString(hocon))
                .withFallback(ConfigFactory.parseString("sweep { output = /tmp/s, trial.data.train = /data/train, trial.data.evaluation = /data/val }"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        return SweepSpec.from(ConfigView.of(conf, "sweep"), FILES, ModelFamilies.builtIn(), 8);
    }

    private static List<Trial> trials(String hocon, Map<String, String> overrides) {
        return SweepPlan.of(spec(hocon, overrides), ModelFamilies.builtIn()).trials();
    }

    @Test
    void aGridTimesSeedsTimesSubsetsAndTheDefaults() {
        SweepSpec s = spec("sweep { grid.axes { fpn-channels = [16, 32], head-depth = 1 }, seeds = [1, 2, 3], data-subsets = [0.5, 1] }", Map.of());
        assertEquals(new org.apache.hadoop.fs.Path("file:/tmp/s/trials"), s.trialStore());
        assertEquals(new org.apache.hadoop.fs.Path("file:/tmp/s/work"), s.workDir());
        List<Trial> trials = SweepPlan.of(s, ModelFamilies.builtIn()).trials();
        assertEquals(2 * 3 * 2, trials.size());
        Trial first = trials.get(0);
        assertEquals(16L, first.config().architecture().get("fpn-channels"));
        assertEquals(1L, first.config().architecture().get("head-depth"));
        assertEquals("tiny", first.config().architecture().get("backbone"), "from sweep.model.retinanet");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) first.config().settings().get("data");
        assertEquals("file:/data/train", data.get("train"), "paths are qualified before hashing");
        assertEquals(false, first.config().settings().get("dry-run"));
        assertEquals(Map.of("mode", "single", "workers", 1L, "averaging-frequency", 1L, "prefetch", 0L),
                first.config().settings().get("training"));
        assertEquals(SweepSpec.ExecutionMode.TRIALS, s.mode());
        assertEquals(2, s.retries());
    }

    @Test
    void overridesOnTheCommandLineGiveTheTrialsAJobFileGives() {
        List<Trial> fromFile = trials("sweep { model.retinanet.width = 0.125, trial.budget.images = 4, dry-run = true }", Map.of());
        List<Trial> fromFlags = trials("", Map.of("sweep.model.retinanet.width", "0.125", "sweep.trial.budget.images", "4",
                "sweep.dry-run", "true"));
        assertEquals(fromFile.get(0).id(), fromFlags.get(0).id(), "-D values are strings; \"0.125\" is the number 0.125");
        assertNotEquals(fromFile.get(0).id(), trials("", Map.of()).get(0).id());
    }

    @Test
    void coefficientsAndDataParallelTrainingAreSettingsOfTheirOwn() {
        List<Trial> coefficients = trials("sweep { kind = coefficients, coefficients { step = 0.1, max = 1.5, tolerance = 0.15 } }", Map.of());
        assertTrue(coefficients.size() >= 2);
        assertTrue(coefficients.stream().allMatch(t -> t.labels().get("kind").equals("coefficients") && t.labels().containsKey("gamma")));
        SweepSpec parallel = spec("sweep.execution.mode = data-parallel", Map.of());
        assertEquals(Map.of("mode", "data-parallel", "workers", 8L, "averaging-frequency", 4L, "prefetch", 2L),
                SweepPlan.of(parallel, ModelFamilies.builtIn()).trials().get(0).config().settings().get("training"),
                "workers = 0 resolved to the cluster's parallelism");
        assertNotEquals(trials("", Map.of()).get(0).id(), SweepPlan.of(parallel, ModelFamilies.builtIn()).trials().get(0).id());
    }

    @Test
    void phiIsAListOrARange() {
        assertEquals(List.of(2, 3, 4), spec("sweep.compound.phi = { from = 2, to = 4 }", Map.of()).phis());
        assertEquals(List.of(0, 7), spec("sweep.compound.phi = [0, 7]", Map.of()).phis());
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> spec("sweep.compound.phi = [1.5]", Map.of()));
        assertTrue(e.getMessage().contains("'sweep.compound.phi'"), e.getMessage());
    }

    @Test
    void badValuesNameTheirKeys() {
        assertKey("sweep.seeds", "sweep.seeds = []");
        assertKey("sweep.data-subsets", "sweep.data-subsets = [0]");
        assertKey("sweep.trial.data.train", "sweep.trial.data.train = \"\"");
        assertKey("sweep.trial.evaluation.nms", "sweep.trial.evaluation.nms = fancy");
        assertKey("sweep.trial.optimizer.method", "sweep.trial.optimizer.method = rmsprop");
        assertKey("sweep.lease.ttl", "sweep.lease.ttl = 1ms");
        assertKey("sweep.execution.mode", "sweep.execution.mode = gpu");
        assertKey("sweep.model.retinanet", "sweep.model.retinanet.extra = { a = 1 }");
        ConfigValidationException big = assertThrows(ConfigValidationException.class,
                () -> trials("sweep { max-trials = 3, grid.axes.head-depth = [1, 2, 3, 4] }", Map.of()));
        assertTrue(big.getMessage().contains("more than 3 points"), big.getMessage());
    }

    private static void assertKey(String key, String hocon) {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> trials(hocon, Map.of()));
        assertTrue(e.getMessage().contains("'" + key), key + ": " + e.getMessage());
    }

    private static List<Trial> shipped(String file, Path tmp) {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf").resolve(file);
        Config loaded = ConfigLoader.load(conf.toFile(), Map.of("sweep.output", tmp.resolve("s").toString(),
                "sweep.trial.data.train", "/data/train", "sweep.trial.data.evaluation", "/data/val"));
        SweepSpec s = SweepSpec.from(ConfigView.of(loaded, "sweep"), FILES, ModelFamilies.builtIn(), 2);
        return SweepPlan.of(s, ModelFamilies.builtIn()).trials();
    }

    @Test
    void theShippedSweepsPlan(@TempDir Path tmp) {
        List<Trial> local = shipped("sweep-local.conf", tmp);
        assertEquals(8, local.size(), "tiny enough for minutes here");
        List<Trial> compound = shipped("efficientdet-compound-sweep.conf", tmp);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"), compound.stream().map(t -> t.labels().get("phi")).toList());
        assertEquals("efficientnet-b6", compound.get(7).config().architecture().get("backbone"), "D7 keeps B6");
        assertEquals(1536L, compound.get(7).config().architecture().get("image-size"));
        List<Trial> grid = shipped("efficientdet-grid-sweep.conf", tmp);
        assertEquals(3 * 3 * 3 * 2 * 2 * 2, grid.size());
        assertTrue(grid.stream().allMatch(t -> t.config().family().equals("efficientdet")));
    }
}
