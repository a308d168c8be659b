package org.detsearch.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.NmsSpec;
import org.detsearch.evaluation.ModelEvaluation;
import org.detsearch.spark.SparkSessions;
import org.detsearch.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detsearch retrain}: NATS' re-training (PAPERS 1.7). The detector of the {@code train} section on the
 * backbone transformed by {@code retrain.genotype}, starting from the ImageNet weights of {@code train.model.pretrained}
 * (which load into the transformed backbone by name), trained data-parallel, then evaluated on {@code retrain.val-data}.
 * Without a genotype it trains the plain backbone with the same settings: the baseline on the same budget.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"NATS re-training: the train section's detector on the backbone transformed by retrain.genotype",
                "(a search's genotype.json; without one, the plain backbone: the baseline on the same budget), from the",
                "pretrained weights of train.model.pretrained, trained as `train` trains, then evaluated on",
                "retrain.val-data. Writes the run folder of `train` plus eval/ (detections.json, metrics.json)."})
public final class RetrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--genotype", paramLabel = "FILE", description = "A search's genotype.json (retrain.genotype); none = baseline")
    String genotype;

    @Option(names = "--output", paramLabel = "DIR", description = "Run folder (train.output)")
    String output;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("retrain.genotype", genotype);
        shorthands.put("train.output", output);
        Config loaded = config.load(shorthands);
        ConfigView retrain = ConfigView.of(loaded, "retrain");
        String genotypeFile = retrain.string("genotype");
        String valData = retrain.nonBlank("val-data");
        NmsSpec nms = EvaluateCommand.nmsSpec(spec, retrain.string("nms"));
        Config conf = loaded.withValue("train.model.genotype", ConfigValueFactory.fromAnyRef(genotypeFile));
        PrintWriter out = spec.commandLine().getOut();
        out.println(genotypeFile.isBlank() ? "retrain: the baseline (plain backbone, no genotype)"
                : "retrain: the NATS-transformed backbone of " + genotypeFile);
        TrainJob.Result training;
        ModelEvaluation.Result evaluation;
        try (SparkSession spark = SparkSessions.create(conf, "detsearch retrain")) {
            training = TrainCommand.train(spark, conf);
            evaluation = new ModelEvaluation(spark).run(training.model().toString(), valData, null,
                    new Path(training.runDir(), "eval").toString(), nms, conf.getInt("train.batch-size"), true);
        }
        EvaluateCommand.print(out, evaluation);
        out.printf("retrain: model %s, metrics %s%n", training.model(), evaluation.metricsFile());
        return ExitCodes.OK;
    }
}
