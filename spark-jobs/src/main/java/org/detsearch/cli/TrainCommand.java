package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.config.ConfigRedactor;
import org.detsearch.config.ConfigView;
import org.detsearch.spark.SparkSessions;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch train}: a detector from a prepared dataset, single-JVM or data-parallel on Spark. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a RetinaNet-style detector (ResNet + FPN + shared heads) on a prepared dataset, in one JVM",
                "(train.mode = local) or data-parallel with DL4J parameter averaging on Spark (train.mode = spark).",
                "Started again on a run folder holding a checkpoint, it resumes. Options are shorthands for train.* keys."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Prepared dataset to train on (train.data)")
    String data;

    @Option(names = "--output", paramLabel = "DIR", description = "Run folder (train.output)")
    String output;

    @Option(names = "--mode", paramLabel = "MODE", description = "local or spark (train.mode)")
    String mode;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (train.epochs)")
    Integer epochs;

    @Option(names = "--overwrite", description = "Replace an existing run folder instead of resuming or refusing (train.overwrite)")
    Boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("train.data", data);
        shorthands.put("train.output", output);
        shorthands.put("train.mode", mode);
        shorthands.put("train.epochs", epochs == null ? null : epochs.toString());
        shorthands.put("train.overwrite", overwrite == null ? null : overwrite.toString());
        Config conf = config.load(shorthands);
        TrainJob.Result result = train(conf);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("train: %d epochs, %d iterations%s; model at %s%n", result.epochs(), result.iterations(),
                result.resumedFromIteration() > 0 ? " (resumed after iteration " + result.resumedFromIteration() + ")" : "",
                result.model());
        out.printf("train: loss history and curves in %s (history.csv, loss-curve.png)%n", result.runDir());
        return ExitCodes.OK;
    }

    static TrainJob.Result train(Config conf) throws Exception {
        try (SparkSession spark = SparkSessions.create(conf, "detsearch train")) {
            return train(spark, conf);
        }
    }

    /** Runs the {@code train} section of {@code conf} (the demo calls this too). */
    static TrainJob.Result train(SparkSession spark, Config conf) throws IOException {
        ConfigView section = ConfigView.of(conf, "train");
        ConfigView model = section.sub("model");
        TrainSpec trainSpec = TrainSpec.fromConfig(section, model.intIn("image-size", 64, 4096));
        return new TrainJob(spark).run(trainSpec, model, section.nonBlank("data"), section.nonBlank("output"),
                section.bool("overwrite"), ConfigRedactor.render(conf, Sections.ALL));
    }
}
