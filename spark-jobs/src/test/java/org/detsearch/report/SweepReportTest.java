package org.detsearch.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.scaling.Trial;
import org.detsearch.scaling.TrialConfig;
import org.detsearch.sweep.ResultsTable;
import org.detsearch.sweep.TrialRecord;
import org.detsearch.sweep.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of a results table written without Spark: charts, tables, fronts and budgets. */
class SweepReportTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());

    /** Trial n: head depth n, cost and AP as given; status DONE unless an error or a skip reason is given. */
    private static Trial trial(int n) {
        return Trial.of(new TrialConfig("retinanet", new TreeMap<>(Map.of("head-depth", n)), 1, 1.0, new TreeMap<>()),
                new TreeMap<>(Map.of("kind", "grid")));
    }

    private static TrialRecord record(Trial t, TrialStatus status, long params, long macs, double latency, double ap, String problem) {
        Map<String, Double> metrics = new HashMap<>();
        if (status == TrialStatus.DONE) {
            for (String key : org.detsearch.eval.CocoMetrics.KEYS) {
                metrics.put(key, ap);
            }
        }
        return new TrialRecord(1, t.id(), status, 1, t.config().toMap(), t.labels(), "retinanet", "arch | " + t.config().seed()
                + " <" + t.config().architecture().get("head-depth") + ">", params, params + 10, macs, 128, 128,
                status == TrialStatus.DONE ? new TrialRecord.Latency(latency, latency, latency, 3, 1, 1, "cpu") : null,
                status == TrialStatus.DONE ? metrics : null, null, null, Map.of("totalSeconds", 1.0), "h", "1", "s", "f", null,
                status == TrialStatus.SKIPPED ? problem : null,
                status == TrialStatus.FAILED ? new TrialRecord.Failure("java.lang.IllegalStateException", problem, "") : null);
    }

    private static java.nio.file.Path sweep(java.nio.file.Path dir) throws Exception {
        List<Trial> plan = new ArrayList<>();
        Map<String, TrialRecord> records = new HashMap<>();
        double[][] done = {{1e5, 2e8, 5, 0.10}, {2e5, 5e8, 8, 0.25}, {3e5, 4e8, 12, 0.20}, {8e5, 3e9, 30, 0.30}};
        for (int n = 0; n < done.length; n++) {
            Trial t = trial(n + 1);
            plan.add(t);
            records.put(t.id(), record(t, TrialStatus.DONE, (long) done[n][0], (long) done[n][1], done[n][2], done[n][3], null));
        }
        Trial skipped = trial(10);
        Trial failed = trial(11);
        Trial pending = trial(12);
        plan.addAll(List.of(skipped, failed, pending));
        records.put(skipped.id(), record(skipped, TrialStatus.SKIPPED, 9_000_000, 1, 0, 0, "over budget: 9,000,000 parameters"));
        records.put(failed.id(), record(failed, TrialStatus.FAILED, 0, 0, 0, 0, "training diverged at iteration 3, with a, comma\nand a line"));
        ResultsTable.of(plan, records).writeCsv(FILES, new Path(dir.toUri()));
        return dir;
    }

    @Test
    void chartsTablesFrontsAndBudgets(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path sweep = sweep(dir);
        Map<CostAxis, List<Double>> budgets = new EnumMap<>(CostAxis.class);
        budgets.put(CostAxis.MULTIPLY_ADDS, List.of(3e8, 1e9));
        SweepReport.Result result = new SweepReport(FILES).write(new Path(sweep.toUri()), new Path(sweep.resolve("out").toUri()),
                new SweepReport.Options(700, 450, budgets));
        assertEquals(7, result.trials());
        assertEquals(4, result.done());
        assertEquals(3, result.charts().size());
        for (CostAxis axis : CostAxis.values()) {
            BufferedImage image = ImageIO.read(sweep.resolve("out").resolve(axis.chartFile()).toFile());
            assertNotNull(image, axis.chartFile());
            assertEquals(700, image.getWidth());
            assertEquals(450, image.getHeight());
        }
        String md = Files.readString(sweep.resolve("out/summary.md"));
        assertTrue(md.contains("7 trials (4 done, 1 failed, 1 pending, 1 skipped)"), md);
        assertTrue(md.contains("| 1 | "), md);
        String best = md.substring(md.indexOf("## Trials, best AP first"), md.indexOf("## Best trial per multiply-adds"));
        assertTrue(best.indexOf("0.300") < best.indexOf("0.250") && best.indexOf("0.250") < best.indexOf("0.200"), best);
        assertTrue(best.contains("arch \\| 1 <4>"), "pipes escaped in Markdown: " + best);
        String macs = md.substring(md.indexOf("## Best trial per multiply-adds budget"), md.indexOf("## Best trial per parameters"));
        assertTrue(macs.contains("| <= 300M | "), macs);
        assertTrue(macs.contains("| 200M | 0.100 |"), "within 3e8: the 2e8 trial: " + macs);
        assertTrue(macs.contains("| 500M | 0.250 |"), "within 1e9: the 5e8 trial, not the 4e8 one: " + macs);
        String params = md.substring(md.indexOf("## Best trial per parameters budget"), md.indexOf("## Best trial per latency"));
        assertTrue(params.contains("| <= 100k |") && params.contains("| <= 1.00M |"), "a 1-2-5 ladder by default: " + params);
        assertTrue(md.contains("over budget: 9,000,000 parameters"), md);
        assertTrue(md.contains("training diverged at iteration 3, with a, comma and a line"), "the error on one line: " + md);
        String html = Files.readString(sweep.resolve("out/summary.html"));
        assertTrue(html.contains("<img src=\"ap-vs-multiply-adds.png\""), html);
        assertTrue(html.contains("arch | 1 &lt;4&gt;"), "escaped in HTML");
        assertFalse(html.contains("<4>"));
    }

    @Test
    void aMissingSweepIsNamedAndNoDoneTrialsMeansNoCharts(@TempDir java.nio.file.Path dir) throws Exception {
        FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> new SweepReport(FILES)
                .write(new Path(dir.toUri()), new Path(dir.resolve("out").toUri()), new SweepReport.Options(400, 300, Map.of())));
        assertTrue(missing.getMessage().contains("no results in"), missing.getMessage());
        Trial t = trial(1);
        ResultsTable.of(List.of(t), Map.of(t.id(), record(t, TrialStatus.FAILED, 0, 0, 0, 0, "boom")))
                .writeCsv(FILES, new Path(dir.toUri()));
        SweepReport.Result result = new SweepReport(FILES).write(new Path(dir.toUri()), new Path(dir.resolve("out").toUri()),
                new SweepReport.Options(400, 300, Map.of()));
        assertEquals(0, result.charts().size());
        assertTrue(Files.readString(dir.resolve("out/summary.md")).contains("No DONE trial with an AP: no charts."));
        assertThrows(IllegalArgumentException.class, () -> new SweepReport.Options(10, 10, Map.of()));
    }
}
