package org.detsearch.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.synthetic.SplitSummary;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.NmsSpec;
import org.detsearch.evaluation.ModelEvaluation;
import org.detsearch.io.HadoopConf;
import org.detsearch.io.HadoopFiles;
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
 * {@code detsearch demo}: the whole pipeline on synthetic data in one command. It generates the dataset, prepares
 * the train and val splits as Parquet shards, trains a small detector data-parallel with parameter averaging on
 * Spark, evaluates it on the held-out split and prints the metrics and where everything is. The {@code demo}
 * section holds the work folder and its own {@code generate} and {@code train} settings, laid over the top-level
 * sections of the same name.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate synthetic data, prepare shards, train a small detector data-parallel on Spark",
                "(parameter averaging), evaluate it on the held-out split; prints the COCO metrics and the paths of the",
                "dataset, run folder (checkpoint, loss curve, model) and metrics JSON. Everything goes under demo.output."})
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR", description = "Work folder (demo.output)")
    String output;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (demo.train.epochs)")
    Integer epochs;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("demo.output", output);
        shorthands.put("demo.train.epochs", epochs == null ? null : epochs.toString());
        Config conf = stages(config.load(shorthands));
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Path root = new HadoopFiles(HadoopConf.from(conf)).qualify(conf.getString("demo.output"));

        out.println("demo: 1/4 generating synthetic data");
        SyntheticDatasetSpec data = ConfigView.validated("generate",
                () -> SyntheticDatasetSpec.fromConfig(ConfigView.of(conf, "generate")));
        for (SplitSummary split : new SyntheticDatasetGenerator(new HadoopFiles(HadoopConf.from(conf))).generate(data, true)) {
            out.println("generate-data: " + split.line());
        }
        ModelEvaluation.Result evaluation;
        TrainJob.Result training;
        try (SparkSession spark = SparkSessions.create(conf, "detsearch demo")) {
            out.println("demo: 2/4 preparing the train and val splits as Parquet shards");
            for (String split : new String[] {"train", "val"}) {
                PrepareCommand.prepare(spark, withPrepare(conf, data.output(), split, root), out);
            }
            out.println("demo: 3/4 training data-parallel on Spark (" + conf.getString("spark-runtime.master") + ")");
            training = TrainCommand.train(spark, conf);
            out.println("demo: 4/4 evaluating on the held-out val split");
            evaluation = new ModelEvaluation(spark).run(training.model().toString(), shards(root, "val").toString(), null,
                    new Path(root, "eval").toString(), NmsSpec.HARD, conf.getInt("train.batch-size"), true);
        }
        EvaluateCommand.print(out, evaluation);
        out.printf("demo: finished in %.1f min. Dataset %s, run folder %s (model.zip, checkpoint.zip, history.csv,"
                        + " loss-curve.png), metrics %s%n", (System.nanoTime() - start) / 60e9, data.output(),
                training.runDir(), evaluation.metricsFile());
        out.printf("demo: AP50 on the held-out split: %.3f%n", evaluation.metrics().get("AP50"));
        return ExitCodes.OK;
    }

    /** The demo's generate and train settings over the top-level ones, with every path under demo.output. */
    static Config stages(Config conf) {
        String root = conf.getString("demo.output");
        Config generate = conf.getConfig("demo.generate").withFallback(conf.getConfig("generate"))
                .withValue("output", ConfigValueFactory.fromAnyRef(root + "/dataset"));
        Config train = conf.getConfig("demo.train").withFallback(conf.getConfig("train"))
                .withValue("data", ConfigValueFactory.fromAnyRef(root + "/shards/train"))
                .withValue("output", ConfigValueFactory.fromAnyRef(root + "/run"))
                .withValue("overwrite", ConfigValueFactory.fromAnyRef(true))
                .withValue("mode", ConfigValueFactory.fromAnyRef("spark"));
        return ConfigFactory.empty().withValue("generate", generate.root()).withValue("train", train.root()).withFallback(conf);
    }

    static Config withPrepare(Config conf, String dataset, String split, Path root) {
        Config prepare = ConfigFactory.parseMap(Map.of(
                "annotations", dataset + "/" + split + "/instances.json",
                "images", dataset + "/" + split + "/images",
                "output", shards(root, split).toString(),
                "overwrite", true)).withFallback(conf.getConfig("prepare"));
        return ConfigFactory.empty().withValue("prepare", prepare.root()).withFallback(conf);
    }

    static Path shards(Path root, String split) {
        return new Path(root, "shards/" + split);
    }
}
