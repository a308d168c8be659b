package org.detsearch.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.detsearch.cli.CliRunner;
import org.detsearch.testing.LocalSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detsearch sweep} and {@code report} on local Spark as a user runs them: a grid of four tiny trials, two of
 * which cannot be built (3 group-norm groups do not divide 16 FPN channels); the records, results, progress and
 * exit code; a re-run retrying only the failed trials; a third run training nothing; a concurrent run refused.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SweepCommandTest {
    private static Path data;

    @BeforeAll
    static void prepare() {
        data = SweepTestData.shared();
    }

    static List<String> sweepArgs(String output, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "--output", output,
                "-Dsweep.trial.data.train=" + data.resolve("train").toUri(), "-Dsweep.trial.data.evaluation=" + data.resolve("val").toUri(),
                "-Dsweep.model.retinanet.width=0.125", "-Dsweep.model.retinanet.fpn-channels=16",
                "-Dsweep.model.retinanet.head-depth=1", "-Dsweep.trial.budget.images=4", "-Dsweep.trial.budget.batch-size=2",
                "-Dsweep.trial.evaluation.max-images=4", "-Dsweep.trial.latency.warmup=1", "-Dsweep.trial.latency.runs=3",
                "-Dsweep.progress-every=1s"));
        args.addAll(Arrays.asList(SweepTestData.LOCAL_SPARK));
        args.addAll(Arrays.asList(extra));
        return args;
    }

    private static CliRunner sweep(Path sweep, String... extra) {
        return CliRunner.run(sweepArgs(sweep.toString(), data, extra).toArray(String[]::new));
    }

    private static Map<String, Map<String, String>> csvByTrial(Path sweep) throws Exception {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map<String, String> row : ResultsTable.readCsv(new org.detsearch.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(sweep.resolve("results/trials.csv").toUri()))) {
            rows.put(row.get("trial_id"), row);
        }
        return rows;
    }

    @Test
    void aGridWithFailingTrialsRunsResumesRetriesAndReports(@TempDir Path tmp) throws Exception {
        Path sweep = tmp.resolve("sweep");
        // -D values are strings: lists go into the job file, as users write them
        Path job = tmp.resolve("grid.conf");
        Files.writeString(job, "sweep.grid.axes { head-depth = [1, 2], head-group-norm = [0, 3] }\nsweep.execution.retries = 1\n");
        String[] grid = {"-c", job.toString()};
        CliRunner first = sweep(sweep, grid);
        assertEquals(3, first.exitCode(), "some trials failed: " + first.out() + first.err());
        assertTrue(first.out().contains("sweep: 4 trials, 4 run now: {DONE=2, FAILED=2}"), first.out());
        assertTrue(first.err().contains("2 trials FAILED"), first.err());

        Map<String, Map<String, String>> rows = csvByTrial(sweep);
        assertEquals(4, rows.size());
        for (Map<String, String> row : rows.values()) {
            boolean bad = row.get("arch_head_group_norm").equals("3");
            assertEquals(bad ? "FAILED" : "DONE", row.get("status"), row.toString());
            assertEquals("1", row.get("attempt"));
            if (bad) {
                assertTrue(row.get("error_message").contains("must divide the 16 FPN channels"), row.get("error_message"));
            } else {
                assertTrue(Double.parseDouble(row.get("AP")) >= 0, row.toString());
                assertTrue(Long.parseLong(row.get("multiply_adds")) > 0);
                assertTrue(Double.parseDouble(row.get("latency_ms")) > 0);
                assertEquals("2", row.get("train_iterations"));
            }
            assertEquals("grid", row.get("kind"));
        }
        assertEquals(4, TrialStoreTest.physicalRecords(sweep.resolve("trials")).size());
        JsonNode progress = new ObjectMapper().readTree(sweep.resolve("progress.json").toFile());
        assertEquals(2, progress.get("done").asInt());
        assertEquals(2, progress.get("failed").asInt());
        assertEquals(0, progress.get("running").asInt());
        assertTrue(progress.get("finished").asBoolean());
        assertTrue(first.out().contains("") && Files.exists(sweep.resolve("resolved.conf")));

        try (LocalSpark spark = LocalSpark.start()) {
            Dataset<Row> table = spark.session().read().parquet(sweep.resolve("results/trials.parquet").toString());
            table.createOrReplaceTempView("trials");
            List<Row> byStatus = spark.session().sql("SELECT status, count(*) AS n, max(AP) AS best FROM trials GROUP BY status ORDER BY status")
                    .collectAsList();
            assertEquals(2, byStatus.size());
            assertEquals("DONE", byStatus.get(0).getString(0));
            assertEquals(2L, byStatus.get(0).getLong(1));
            assertTrue(byStatus.get(0).getDouble(2) >= 0);
            assertEquals("FAILED", byStatus.get(1).getString(0));
            assertEquals("long", table.schema().apply("multiply_adds").dataType().typeName());
        }

        // run 2: the DONE trials are kept as they are, the FAILED ones get their one retry
        Map<String, String> doneFinished = new TreeMap<>();
        rows.forEach((id, row) -> {
            if (row.get("status").equals("DONE")) {
                doneFinished.put(id, row.get("finished_at"));
            }
        });
        CliRunner second = sweep(sweep, grid);
        assertEquals(3, second.exitCode(), second.err());
        assertTrue(second.out().contains("sweep: 4 trials, 2 run now: {DONE=2, FAILED=2}"), second.out());
        Map<String, Map<String, String>> after = csvByTrial(sweep);
        doneFinished.forEach((id, finished) -> assertEquals(finished, after.get(id).get("finished_at"), "trained again: " + id));
        after.values().stream().filter(r -> r.get("status").equals("FAILED")).forEach(r -> assertEquals("2", r.get("attempt")));

        // run 3: no retries left, nothing to train; still exactly one record per trial
        CliRunner third = sweep(sweep, grid);
        assertEquals(3, third.exitCode(), third.err());
        assertTrue(third.out().contains("sweep: 4 trials, 0 run now: {DONE=2, FAILED=2}"), third.out());
        List<String> records = TrialStoreTest.physicalRecords(sweep.resolve("trials"));
        assertEquals(4, records.size());
        assertEquals(4, records.stream().distinct().count());

        // a run while another holds the sweep is refused
        Files.writeString(sweep.resolve("lease.json"), "{\"owner\":\"other\",\"host\":\"elsewhere\",\"pid\":1,\"acquiredAt\":\""
                + Instant.now() + "\",\"expiresAt\":\"" + Instant.now().plusSeconds(600) + "\"}");
        CliRunner concurrent = sweep(sweep, grid);
        assertEquals(1, concurrent.exitCode());
        assertTrue(concurrent.err().contains("is being run by run other (host elsewhere"), concurrent.err());
        Files.delete(sweep.resolve("lease.json"));

        CliRunner report = CliRunner.run("report", "--sweep", sweep.toString(), "-Dreport.chart-width=640", "-Dreport.chart-height=480");
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("report: 4 trials (2 done with an AP), 3 charts"), report.out());
        for (String chart : List.of("ap-vs-multiply-adds.png", "ap-vs-params.png", "ap-vs-latency.png")) {
            BufferedImage image = ImageIO.read(sweep.resolve("report").resolve(chart).toFile());
            assertNotNull(image, chart + " decodes");
            assertEquals(640, image.getWidth());
            assertEquals(480, image.getHeight());
        }
        String md = Files.readString(sweep.resolve("report/summary.md"));
        assertTrue(md.contains("## Failed") && md.contains("must divide the 16 FPN channels"), md);
        assertTrue(Files.readString(sweep.resolve("report/summary.html")).contains("<img src=\"ap-vs-latency.png\""));
    }

    @Test
    void aDataParallelTrialTrainsOnAllWorkersFromTheDriver(@TempDir Path tmp) throws Exception {
        Path sweep = tmp.resolve("sweep");
        CliRunner run = sweep(sweep, "-Dsweep.execution.mode=data-parallel", "-Dsweep.execution.data-parallel.workers=2",
                "-Dsweep.execution.data-parallel.averaging-frequency=1");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("sweep: 1 trials, 1 run now: {DONE=1}"), run.out());
        Map<String, String> row = csvByTrial(sweep).values().iterator().next();
        assertEquals("driver", row.get("executor"));
        // 4 images over 2 workers in minibatches of 2: one averaged iteration per epoch
        assertEquals("1", row.get("train_iterations"));
        assertTrue(Double.parseDouble(row.get("AP")) >= 0);
        TrialRecord record = new TrialStore(new org.detsearch.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
                new org.apache.hadoop.fs.Path(sweep.resolve("trials").toUri())).compact().values().iterator().next();
        assertEquals(Map.of("mode", "data-parallel", "workers", 2L, "averaging-frequency", 1L, "prefetch", 2L),
                record.trialConfig().settings().get("training"));
    }

    @Test
    void badSweepConfigsAreUsageErrorsNamingTheKey(@TempDir Path tmp) {
        CliRunner typo = sweep(tmp.resolve("s"), "-Dsweep.grid.axes.fpn-chanels=16");
        assertEquals(2, typo.exitCode(), typo.out());
        assertTrue(typo.err().contains("unknown axis 'fpn-chanels'"), typo.err());
        CliRunner family = sweep(tmp.resolve("s"), "-Dsweep.family=yolo");
        assertEquals(2, family.exitCode());
        assertTrue(family.err().contains("'sweep.family': got \"yolo\"; allowed: one of retinanet, efficientdet"), family.err());
        CliRunner budget = sweep(tmp.resolve("s"), "-Dsweep.trial.budget.epochs=0");
        assertEquals(2, budget.exitCode());
        assertTrue(budget.err().contains("'sweep.trial.budget.epochs'"), budget.err());
        CliRunner compound = sweep(tmp.resolve("s"), "-Dsweep.kind=compound");
        assertEquals(2, compound.exitCode());
        assertTrue(compound.err().contains("retinanet family has no compound scaling rule"), compound.err());
    }
}
