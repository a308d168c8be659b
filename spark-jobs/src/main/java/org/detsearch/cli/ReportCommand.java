package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.hadoop.fs.Path;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopConf;
import org.detsearch.io.HadoopFiles;
import org.detsearch.report.CostAxis;
import org.detsearch.report.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch report --sweep PATH}: Pareto fronts, summary tables and the best trial per budget of a sweep. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Report on a sweep's results (any Hadoop path; report.* keys): PNG charts of AP against multiply-adds,",
                "parameters and latency with their Pareto fronts, summary.md and summary.html with the trials, the best",
                "trial per budget, and the skipped and failed trials. Needs no Spark."})
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--sweep", paramLabel = "DIR", description = "The sweep folder (report.sweep)")
    String sweep;

    @Option(names = "--output", paramLabel = "DIR", description = "Report folder; default <sweep>/report (report.output)")
    String output;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("report.sweep", sweep);
        shorthands.put("report.output", output);
        Config conf = config.load(shorthands);
        ConfigView report = ConfigView.of(conf, "report");
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        HadoopFiles files = new HadoopFiles(HadoopConf.from(conf));
        Path sweepDir = files.qualify(sweepFolder(conf, report));
        String out = report.optionalString("output");
        Path outDir = out != null ? files.qualify(out) : new Path(sweepDir, "report");
        ConfigView budgets = report.sub("budgets");
        Map<CostAxis, List<Double>> budgetLists = new EnumMap<>(CostAxis.class);
        budgetLists.put(CostAxis.PARAMS, numbers(budgets, "params"));
        budgetLists.put(CostAxis.MULTIPLY_ADDS, numbers(budgets, "multiply-adds"));
        budgetLists.put(CostAxis.LATENCY, numbers(budgets, "latency-ms"));
        SweepReport.Options options = ConfigView.validated(report.section(), () -> new SweepReport.Options(
                report.intIn("chart-width", 200, 10_000), report.intIn("chart-height", 150, 10_000), budgetLists));
        SweepReport.Result result = new SweepReport(files).write(sweepDir, outDir, options);
        spec.commandLine().getOut().printf("report: %d trials (%d done with an AP), %d charts, %s and %s in %s%n",
                result.trials(), result.done(), result.charts().size(), SweepReport.MARKDOWN, SweepReport.HTML, result.dir());
        return ExitCodes.OK;
    }

    /** {@code report.sweep}, or the {@code sweep.output} of a sweep job file given with -c. */
    private static String sweepFolder(Config conf, ConfigView report) {
        String sweepDir = report.optionalString("sweep");
        if (sweepDir == null && conf.hasPath("sweep.output")) {
            sweepDir = ConfigView.of(conf, "sweep").optionalString("output");
        }
        if (sweepDir == null) {
            throw new org.detsearch.config.ConfigValidationException(report.fullPath("sweep"), null,
                    "expected the sweep folder (--sweep DIR, or -c the sweep's job file)");
        }
        return sweepDir;
    }

    private static List<Double> numbers(ConfigView c, String key) {
        List<Double> values = new ArrayList<>();
        try {
            for (Object v : c.raw().getList(key).unwrapped()) {
                if (!(v instanceof Number n) || !(n.doubleValue() > 0)) {
                    throw new org.detsearch.config.ConfigValidationException(c.fullPath(key), v, "expected positive numbers");
                }
                values.add(n.doubleValue());
            }
        } catch (com.typesafe.config.ConfigException e) {
            throw new org.detsearch.config.ConfigValidationException(c.fullPath(key), null, "expected a list of numbers");
        }
        return values;
    }
}
