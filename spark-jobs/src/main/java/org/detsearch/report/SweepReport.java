package org.detsearch.report;

import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.sweep.ResultsTable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A sweep's report from its results table ({@code <sweep>/results/trials.csv}), into any Hadoop folder: a PNG chart
 * per cost (AP against multiply-adds, trainable parameters and latency, every DONE trial as a point and the Pareto
 * front as a line, cost on a log axis), and {@code summary.md} and {@code summary.html} holding the same tables:
 * trials by AP with the fronts they are on, the best trial per budget for each cost, skipped and failed trials.
 */
public final class SweepReport {
    public static final String MARKDOWN = "summary.md";
    public static final String HTML = "summary.html";

    /** Chart size, and budgets per cost (an empty list: a 1-2-5 ladder over the trials' range). */
    public record Options(int width, int height, Map<CostAxis, List<Double>> budgets) {
        public Options {
            if (width < 200 || height < 150) {
                throw new IllegalArgumentException("charts need at least 200 x 150 pixels, got " + width + " x " + height);
            }
            Map<CostAxis, List<Double>> copy = new EnumMap<>(CostAxis.class);
            copy.putAll(budgets);
            budgets = copy;
        }
    }

    /** What was written. */
    public record Result(Path dir, List<Path> charts, Path markdown, Path html, int trials, int done) {
    }

    private final HadoopFiles files;

    public SweepReport(HadoopFiles files) {
        this.files = files;
    }

    public Result write(Path sweepDir, Path outDir, Options options) throws IOException {
        Path csv = new Path(new Path(sweepDir, ResultsTable.DIR), ResultsTable.CSV);
        if (!files.exists(csv)) {
            throw new java.io.FileNotFoundException("no results in " + sweepDir + " (" + csv + " is missing): not a sweep "
                    + "folder, or no sweep run has finished there yet");
        }
        List<ReportRow> rows = ResultsTable.readCsv(files, csv).stream().map(ReportRow::of).toList();
        List<ReportRow> done = rows.stream().filter(r -> r.status().equals("DONE") && Double.isFinite(r.ap())).toList();
        Map<CostAxis, List<ReportRow>> fronts = new EnumMap<>(CostAxis.class);
        List<Path> charts = new ArrayList<>();
        for (CostAxis axis : CostAxis.values()) {
            List<ReportRow> plotted = done.stream().filter(r -> r.cost(axis) > 0).toList();
            fronts.put(axis, ParetoFront.of(plotted, r -> r.cost(axis), ReportRow::ap));
            if (!plotted.isEmpty()) {
                Path chart = new Path(outDir, axis.chartFile());
                files.writeAtomically(chart, png(axis, plotted, fronts.get(axis), options));
                charts.add(chart);
            }
        }
        Summary summary = new Summary(sweepDir, rows, done, fronts, budgets(done, options), charts);
        Path md = new Path(outDir, MARKDOWN);
        Path html = new Path(outDir, HTML);
        files.writeAtomically(md, summary.markdown().getBytes(StandardCharsets.UTF_8));
        files.writeAtomically(html, summary.html().getBytes(StandardCharsets.UTF_8));
        return new Result(outDir, charts, md, html, rows.size(), done.size());
    }

    static byte[] png(CostAxis axis, List<ReportRow> points, List<ReportRow> front, Options options) throws IOException {
        XYChart chart = new XYChartBuilder().width(options.width()).height(options.height())
                .title("AP vs " + axis.label() + " (" + points.size() + " trials, " + front.size() + " on the Pareto front)")
                .xAxisTitle(axis.axisTitle()).yAxisTitle("AP (COCO, IoU .50:.95)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(7);
        double min = points.stream().mapToDouble(r -> r.cost(axis)).min().orElseThrow();
        double max = points.stream().mapToDouble(r -> r.cost(axis)).max().orElseThrow();
        chart.getStyler().setXAxisLogarithmic(max > 3 * min);
        XYSeries all = chart.addSeries("trials", points.stream().mapToDouble(r -> r.cost(axis)).toArray(),
                points.stream().mapToDouble(ReportRow::ap).toArray());
        all.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        all.setMarkerColor(new Color(0x1f77b4));
        XYSeries line = chart.addSeries("Pareto front", front.stream().mapToDouble(r -> r.cost(axis)).toArray(),
                front.stream().mapToDouble(ReportRow::ap).toArray());
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.DIAMOND);
        line.setLineColor(new Color(0xd62728));
        line.setMarkerColor(new Color(0xd62728));
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Per cost: budget -> the best DONE trial within it (absent when none fits). */
    static Map<CostAxis, Map<Double, ReportRow>> budgets(List<ReportRow> done, Options options) {
        Map<CostAxis, Map<Double, ReportRow>> out = new EnumMap<>(CostAxis.class);
        for (CostAxis axis : CostAxis.values()) {
            List<ReportRow> costed = done.stream().filter(r -> r.cost(axis) > 0).toList();
            List<Double> budgets = options.budgets().getOrDefault(axis, List.of());
            if (budgets.isEmpty() && !costed.isEmpty()) {
                budgets = BudgetLadder.spanning(costed.stream().mapToDouble(r -> r.cost(axis)).min().orElseThrow(),
                        costed.stream().mapToDouble(r -> r.cost(axis)).max().orElseThrow());
            }
            Map<Double, ReportRow> best = new LinkedHashMap<>();
            for (double budget : budgets.stream().sorted().toList()) {
                costed.stream().filter(r -> r.cost(axis) <= budget).max(Comparator.comparingDouble(ReportRow::ap))
                        .ifPresent(r -> best.put(budget, r));
            }
            out.put(axis, best);
        }
        return out;
    }

    /** The tables of the report, rendered as Markdown or HTML. */
    private record Summary(Path sweep, List<ReportRow> rows, List<ReportRow> done, Map<CostAxis, List<ReportRow>> fronts,
                           Map<CostAxis, Map<Double, ReportRow>> budgets, List<Path> charts) {
        List<String> statusLine() {
            Map<String, Long> counts = rows.stream().collect(Collectors.groupingBy(ReportRow::status, java.util.TreeMap::new, Collectors.counting()));
            return List.of("Sweep " + sweep + ": " + rows.size() + " trials (" + counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                    + "); report of " + Instant.now());
        }

        List<List<String>> trialTable() {
            List<List<String>> table = new ArrayList<>();
            table.add(List.of("#", "trial", "architecture", "params", "multiply-adds", "latency ms", "AP", "AP50", "AP75", "Pareto fronts"));
            List<ReportRow> byAp = done.stream().sorted(Comparator.comparingDouble(ReportRow::ap).reversed()).toList();
            // trial id -> the fronts it is on; sets, so that a sweep whose every trial is on a front stays linear
            Map<String, Set<String>> onFronts = new java.util.HashMap<>();
            fronts.forEach((axis, front) -> front.forEach(r -> onFronts.computeIfAbsent(r.id(), k -> new java.util.TreeSet<>()).add(axis.label())));
            for (int i = 0; i < byAp.size(); i++) {
                ReportRow r = byAp.get(i);
                Set<String> on = onFronts.getOrDefault(r.id(), Set.of());
                table.add(List.of(Integer.toString(i + 1), r.shortId(), r.architecture(), human(r.params()),
                        human(r.multiplyAdds()), fixed(r.latencyMs(), 2), fixed(r.ap(), 3), fixed(r.ap50(), 3), fixed(r.ap75(), 3),
                        String.join(", ", on)));
            }
            return table;
        }

        List<List<String>> budgetTable(CostAxis axis) {
            List<List<String>> table = new ArrayList<>();
            table.add(List.of(axis.label() + " budget", "best trial", "architecture", axis.label(), "AP"));
            budgets.get(axis).forEach((budget, r) -> table.add(List.of("<= " + (axis == CostAxis.LATENCY ? fixed(budget, 2) : human(budget)),
                    r.shortId(), r.architecture(), axis == CostAxis.LATENCY ? fixed(r.cost(axis), 2) : human(r.cost(axis)), fixed(r.ap(), 3))));
            return table;
        }

        List<List<String>> statusTable(String status, Function<ReportRow, String> why) {
            List<List<String>> table = new ArrayList<>();
            table.add(List.of("trial", "architecture", "attempt", status.equals("FAILED") ? "error" : "reason"));
            rows.stream().filter(r -> r.status().equals(status))
                    .forEach(r -> table.add(List.of(r.shortId(), r.architecture(), Integer.toString(r.attempt()), why.apply(r))));
            return table;
        }

        String markdown() {
            StringBuilder s = new StringBuilder("# Sweep report\n\n").append(statusLine().get(0)).append("\n\n## Pareto fronts\n\n");
            if (charts.isEmpty()) {
                s.append("No DONE trial with an AP: no charts.\n\n");
            }
            for (Path chart : charts) {
                s.append("![").append(chart.getName()).append("](").append(chart.getName()).append(")\n\n");
            }
            s.append("## Trials, best AP first\n\n").append(markdownTable(trialTable()));
            for (CostAxis axis : CostAxis.values()) {
                s.append("\n## Best trial per ").append(axis.label()).append(" budget\n\n").append(markdownTable(budgetTable(axis)));
            }
            s.append("\n## Skipped (over the budget)\n\n").append(markdownTable(statusTable("SKIPPED", ReportRow::skipReason)));
            s.append("\n## Failed\n\n").append(markdownTable(statusTable("FAILED", ReportRow::error)));
            return s.toString();
        }

        String html() {
            StringBuilder s = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sweep report</title>\n"
                    + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
                    + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#eee}</style></head><body>\n"
                    + "<h1>Sweep report</h1>\n<p>").append(escape(statusLine().get(0))).append("</p>\n<h2>Pareto fronts</h2>\n");
            if (charts.isEmpty()) {
                s.append("<p>No DONE trial with an AP: no charts.</p>\n");
            }
            for (Path chart : charts) {
                s.append("<p><img src=\"").append(escape(chart.getName())).append("\" alt=\"").append(escape(chart.getName())).append("\"></p>\n");
            }
            s.append("<h2>Trials, best AP first</h2>\n").append(htmlTable(trialTable()));
            for (CostAxis axis : CostAxis.values()) {
                s.append("<h2>Best trial per ").append(axis.label()).append(" budget</h2>\n").append(htmlTable(budgetTable(axis)));
            }
            s.append("<h2>Skipped (over the budget)</h2>\n").append(htmlTable(statusTable("SKIPPED", ReportRow::skipReason)));
            s.append("<h2>Failed</h2>\n").append(htmlTable(statusTable("FAILED", ReportRow::error)));
            return s.append("</body></html>\n").toString();
        }
    }

    static String markdownTable(List<List<String>> table) {
        if (table.size() == 1) {
            return "(none)\n";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < table.size(); i++) {
            s.append("| ").append(table.get(i).stream().map(SweepReport::markdownCell).collect(Collectors.joining(" | "))).append(" |\n");
            if (i == 0) {
                s.append("|").append(" --- |".repeat(table.get(0).size())).append('\n');
            }
        }
        return s.toString();
    }

    private static String markdownCell(String text) {
        String oneLine = text.replace("\r", " ").replace("\n", " ");
        return (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine).replace("|", "\\|");
    }

    static String htmlTable(List<List<String>> table) {
        if (table.size() == 1) {
            return "<p>(none)</p>\n";
        }
        StringBuilder s = new StringBuilder("<table>\n");
        for (int i = 0; i < table.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            s.append("<tr>");
            table.get(i).forEach(v -> s.append('<').append(cell).append('>').append(escape(v)).append("</").append(cell).append('>'));
            s.append("</tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** 1234567 -> 1.23M: counts as people read them. */
    static String human(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        String[] units = {"", "k", "M", "G", "T"};
        int unit = 0;
        double v = value;
        while (Math.abs(v) >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g%s", v, units[unit]);
    }

    static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "";
    }
}
