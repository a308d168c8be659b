package org.detsearch.sweep;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.coco.CocoCategory;
import org.detsearch.data.Manifest;
import org.detsearch.eval.CocoMetrics;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.MultiplyAdds;
import org.detsearch.model.ParameterCount;
import org.detsearch.model.TrainingSettings;
import org.detsearch.scaling.ModelFamilies;
import org.detsearch.scaling.ModelFamily;
import org.detsearch.scaling.TrialConfig;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainingLog;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one trial in this JVM, start to record: build the architecture at its nominal input size, count its
 * trainable parameters and multiply-adds, skip it if over the budget, time one image through it (batch 1), train the
 * proxy (at the budget's resolution scale, on the budget's images of the data subset), evaluate it on the
 * evaluation split, and describe all of it in a {@link TrialRecord}. A dry run stops after counting.
 * <p>
 * Failure isolation: any exception, a NaN or infinite loss (the training loop's divergence stop), an
 * {@link OutOfMemoryError} or a {@link StackOverflowError} ends the trial as FAILED with the error and whatever was
 * measured before it; the JVM goes on to the next trial. The work folder ({@code <work>/<id>}: checkpoint and loss
 * history) is deleted once the trial is DONE, unless kept.
 */
public final class TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);
    /** Points of the loss curve a record keeps. */
    public static final int CURVE_POINTS = 20;

    private final HadoopFiles files;
    private final ModelFamilies families;
    private final ProxyTraining training;
    private final Path workRoot;
    private final boolean keepWork;

    public TrialRunner(HadoopFiles files, ModelFamilies families, ProxyTraining training, Path workRoot, boolean keepWork) {
        this.files = files;
        this.families = families;
        this.training = training;
        this.workRoot = workRoot;
        this.keepWork = keepWork;
    }

    public Path workDir(String trialId) {
        return new Path(workRoot, trialId);
    }

    /** Runs the trial; never throws for a failing trial (its record says FAILED). */
    public TrialRecord run(TrialConfig config, Map<String, String> labels, int attempt, TrialRecord.Budget budget, String executor) {
        Draft d = new Draft(config, labels, attempt, executor);
        long start = System.nanoTime();
        try {
            TrialSettings settings = TrialSettings.of(config.settings());
            ModelFamily family = families.get(config.family(), "family");
            d.architecture = family.describe(config.architecture());
            Path trainData = files.qualify(settings.trainData());
            Manifest manifest = Manifest.read(files, trainData);
            List<CocoCategory> categories = TrainJob.categories(manifest);
            int nominal = family.imageSize(config.architecture());
            d.imageSize = nominal;
            DetectorSpec spec = family.spec(config.architecture(), categories.size(), nominal);

            long t = System.nanoTime();
            ComputationGraphConfiguration graph = spec.graph(new TrainingSettings(new Sgd(0.01), 0, 1, config.seed()));
            d.multiplyAdds = MultiplyAdds.of(graph, InputType.convolutional(nominal, nominal, 3)).total();
            ComputationGraph net = new ComputationGraph(graph);
            net.init();
            ParameterCount params = ParameterCount.of(net);
            d.trainableParams = params.trainable();
            d.allParams = params.all();
            d.timings.put("buildSeconds", seconds(t));
            if (!budget.allows(d.trainableParams, d.multiplyAdds)) {
                net.close();
                d.budget = budget;
                d.skipReason = String.format("over budget: %,d trainable parameters (limit %s), %,d multiply-adds (limit %s)",
                        d.trainableParams, limit(budget.maxParams()), d.multiplyAdds, limit(budget.maxMultiplyAdds()));
                return d.record(TrialStatus.SKIPPED, start);
            }
            if (settings.dryRun()) {
                net.close();
                return d.record(TrialStatus.DONE, start);
            }

            t = System.nanoTime();
            d.latency = LatencyMeter.measure(net, nominal, settings.latencyWarmup(), settings.latencyRuns());
            d.timings.put("latencySeconds", seconds(t));
            net.close();

            int proxy = family.roundImageSize(config.architecture(), nominal * settings.resolutionScale());
            d.proxyImageSize = proxy;
            DetectorSpec proxySpec = proxy == nominal ? spec : family.spec(config.architecture(), categories.size(), proxy);
            t = System.nanoTime();
            Path work = workDir(config.id());
            ProxyTraining.Trained trained = training.train(config, settings, proxySpec, categories,
                    trainingImages(manifest, config.dataSubset(), settings.images()), work);
            d.training = summary(trained, settings.epochs());
            d.timings.put("trainSeconds", seconds(t));

            t = System.nanoTime();
            TrialEvaluation.Result evaluation;
            try {
                evaluation = new TrialEvaluation(files).evaluate(trained.model(), settings);
            } finally {
                trained.model().net().close();
            }
            d.metrics = new LinkedHashMap<>();
            for (String key : CocoMetrics.KEYS) {
                d.metrics.put(key, evaluation.metrics().get(key));
            }
            d.evaluation = new TrialRecord.Evaluation(evaluation.images(), evaluation.detections());
            d.timings.put("evaluationSeconds", seconds(t));
            TrialRecord record = d.record(TrialStatus.DONE, start);
            if (!keepWork) {
                files.fileSystem(work).delete(work, true);
            }
            return record;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            LOG.warn("trial {} failed: {}", config.id(), e.toString());
            d.error = TrialRecord.Failure.of(e);
            return d.record(TrialStatus.FAILED, start);
        }
    }

    /** Training images of a trial: its fraction of the dataset (at least one), capped by the budget (0 = no cap). */
    public static long trainingImages(Manifest manifest, double dataSubset, int budgetImages) {
        long all = manifest.counts().imagesWritten();
        if (all == 0) {
            throw new IllegalArgumentException("the training dataset holds no images");
        }
        long subset = Math.max(1, (long) Math.ceil(dataSubset * all - 1e-9));
        return budgetImages > 0 ? Math.min(subset, budgetImages) : subset;
    }

    static TrialRecord.Training summary(ProxyTraining.Trained trained, int epochs) {
        List<TrainingLog.Row> rows = trained.history();
        if (rows.isEmpty()) {
            throw new IllegalStateException("the proxy training logged no iteration");
        }
        TrainingLog.Row first = rows.get(0);
        TrainingLog.Row last = rows.get(rows.size() - 1);
        int tenth = Math.max(1, rows.size() / 10);
        double tail = rows.subList(rows.size() - tenth, rows.size()).stream().mapToDouble(TrainingLog.Row::loss).average().orElseThrow();
        double min = rows.stream().mapToDouble(TrainingLog.Row::loss).min().orElseThrow();
        double speed = rows.stream().mapToDouble(TrainingLog.Row::imagesPerSecond).average().orElseThrow();
        List<double[]> curve = new ArrayList<>();
        int step = Math.max(1, (int) Math.ceil(rows.size() / (double) CURVE_POINTS));
        for (int i = 0; i < rows.size(); i += step) {
            curve.add(new double[] {rows.get(i).iteration(), rows.get(i).loss()});
        }
        if (curve.get(curve.size() - 1)[0] != last.iteration()) {
            curve.add(new double[] {last.iteration(), last.loss()});
        }
        return new TrialRecord.Training(last.iteration(), epochs, trained.images(), first.loss(), last.loss(), min, tail,
                last.classLoss(), last.boxLoss(), speed, curve, trained.resumedFromIteration() > 0 ? trained.resumedFromIteration() : null);
    }

    private static String limit(long value) {
        return value > 0 ? String.format("%,d", value) : "none";
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
    }

    /** What a trial has measured so far; becomes its record whatever the outcome. */
    private static final class Draft {
        final TrialConfig config;
        final Map<String, String> labels;
        final int attempt;
        final String executor;
        final String startedAt = Instant.now().toString();
        final Map<String, Double> timings = new LinkedHashMap<>();
        String architecture;
        Long trainableParams;
        Long allParams;
        Long multiplyAdds;
        Integer imageSize;
        Integer proxyImageSize;
        TrialRecord.Latency latency;
        Map<String, Double> metrics;
        TrialRecord.Training training;
        TrialRecord.Evaluation evaluation;
        TrialRecord.Budget budget;
        String skipReason;
        TrialRecord.Failure error;

        Draft(TrialConfig config, Map<String, String> labels, int attempt, String executor) {
            this.config = config;
            this.labels = labels;
            this.attempt = attempt;
            this.executor = executor;
        }

        TrialRecord record(TrialStatus status, long startNanos) {
            timings.put("totalSeconds", seconds(startNanos));
            return new TrialRecord(TrialConfig.RESULT_FORMAT_VERSION, config.id(), status, attempt, config.toMap(), labels,
                    config.family(), architecture, trainableParams, allParams, multiplyAdds, imageSize, proxyImageSize,
                    latency, metrics, training, evaluation, timings, SweepLease.host(), executor, startedAt,
                    Instant.now().toString(), budget, skipReason, error);
        }
    }
}
