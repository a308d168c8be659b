package org.detsearch.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.detsearch.bench.BenchmarkLog;
import org.detsearch.coco.CocoCategory;
import org.detsearch.config.ConfigView;
import org.detsearch.data.LoadedImage;
import org.detsearch.data.ShardReader;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.detsearch.spark.SparkSessions;
import org.detsearch.train.EpochTimer;
import org.detsearch.train.TrainJob;
import org.detsearch.train.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code detsearch bench spark}: the cost of Spark's data-parallel training. The demo's tiny detector, built as
 * {@code train} builds it, trains on the same generated shards through {@code train}'s own code paths
 * ({@link EpochTimer}): once in the single-JVM loop (train.mode = local), then with SparkComputationGraph +
 * ParameterAveragingTrainingMaster on each master and averaging frequency; images/s of each and its ratio to the
 * single-JVM loop.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = {"Images/s of the demo's tiny detector trained by train's code on generated shards: the single-JVM",
                "loop (train.mode = local) vs SparkComputationGraph + ParameterAveragingTrainingMaster on each --masters",
                "and --averaging frequency (one worker per core of the master), and the ratios. Each run's epochs are timed",
                "(data loading, augmentation, fitting, averaging; not train's logs, checkpoints and model files), after one",
                "untimed single-JVM warm-up epoch; the images are read from the shards and cached first."})
public final class BenchSparkCommand implements Callable<Integer> {
    static final String NAME = "spark";
    static final double LOCAL1_RATIO_GOAL = 0.9;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOutput output;

    @Mixin
    ConfigOptions config;

    @Option(names = "--work", defaultValue = "target/bench-work", description = "Folder of the generated data (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--images", defaultValue = "64", description = "Training images generated (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--image-size", defaultValue = "128", description = "Image and network input side, a multiple of 128"
            + " (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--batch", defaultValue = "4", description = "Images per minibatch (per worker on Spark; default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--masters", split = ",", defaultValue = "local[1],local[2]", paramLabel = "M,...",
            description = "Spark masters (default: ${DEFAULT-VALUE})")
    List<String> masters;

    @Option(names = "--averaging", split = ",", defaultValue = "1,2,4,8", paramLabel = "N,...",
            description = "Averaging frequencies (default: ${DEFAULT-VALUE})")
    List<Integer> frequencies;

    /** One timed training run. */
    public record Run(String mode, String master, int workers, int averagingFrequency, double seconds, double imagesPerSecond,
                      double ratioToSingleJvm) {
    }

    @Override
    public Integer call() throws Exception {
        if (images < 1 || batch < 1 || epochs < 1 || frequencies.stream().anyMatch(f -> f < 1) || masters.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "need --images, --batch, --epochs and --averaging >= 1 and a master");
        }
        Config base = config.load(Map.of());
        PrintWriter out = spec.commandLine().getOut();
        List<Run> runs = new ArrayList<>();
        long count = 0;
        Run single = null;
        BenchData data = null;
        // the single-JVM loop runs in the first master's session, whose Spark runs follow in it
        for (int m = 0; m < masters.size(); m++) {
            String master = masters.get(m);
            try (SparkSession spark = SparkSessions.create(BenchData.withMaster(base, master), "detsearch bench spark")) {
                int workers = spark.sparkContext().defaultParallelism();
                if (m == 0) {
                    data = BenchData.prepared(spark, base, work, images, Math.max(4, images / 4), imageSize, out);
                    Shards shards = shards(spark, base, data, 1);
                    count = shards.count();
                    EpochTimer timer = new EpochTimer(spark);
                    timer.singleJvm(shards.fresh(1), trainSpec(base, 1), shards.images(), count, 1); // warm-up, untimed
                    double seconds = sum(timer.singleJvm(shards.fresh(epochs), trainSpec(base, 1), shards.images(), count, epochs));
                    single = new Run("single-jvm", master, 1, 0, seconds, count * epochs / seconds, 1.0);
                    out.printf(Locale.ROOT, "bench spark: single-JVM loop: %.1f s, %.2f images/s%n", seconds, single.imagesPerSecond());
                    shards.images().unpersist(false);
                }
                Shards shards = shards(spark, base, data, workers);
                for (int frequency : frequencies) {
                    double seconds = sum(new EpochTimer(spark).dataParallel(shards.fresh(epochs), trainSpec(base, frequency),
                            shards.images(), workers, epochs));
                    Run run = new Run("spark", master, workers, frequency, seconds, count * epochs / seconds,
                            count * epochs / seconds / single.imagesPerSecond());
                    out.printf(Locale.ROOT, "bench spark: %s, %d workers, averaging every %d: %.1f s, %.2f images/s = %.2f x single-JVM%n",
                            master, workers, frequency, seconds, run.imagesPerSecond(), run.ratioToSingleJvm());
                    runs.add(run);
                }
            }
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("model", "tiny");
        parameters.put("images", count);
        parameters.put("imageSize", imageSize);
        parameters.put("batch", batch);
        parameters.put("epochs", epochs);
        parameters.put("masters", masters);
        parameters.put("averaging", frequencies);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("singleJvm", single);
        results.put("spark", runs);
        List<Run> local1 = runs.stream().filter(r -> r.master().equals("local[1]")).toList();
        Boolean met = local1.isEmpty() ? null : local1.stream().allMatch(r -> r.ratioToSingleJvm() >= LOCAL1_RATIO_GOAL);
        StringBuilder headline = new StringBuilder(String.format(Locale.ROOT, "single-JVM %.2f images/s; ratios", single.imagesPerSecond()));
        runs.forEach(r -> headline.append(String.format(Locale.ROOT, " %s/avg%d %.2f", r.master(), r.averagingFrequency(), r.ratioToSingleJvm())));
        output.record(new BenchmarkLog.Result(NAME, parameters, results, headline.toString(),
                "Spark local[1] >= 0.9 x the single-JVM images/s (every averaging frequency)", met), NAME, out);
        return ExitCodes.OK;
    }

    /** The tiny detector's training as {@code train} reads it (the demo's section), at this benchmark's sizes. */
    private TrainSpec trainSpec(Config base, int frequency) {
        return TrainSpec.fromConfig(trainSection(base, frequency), imageSize);
    }

    private ConfigView trainSection(Config base, int frequency) {
        Config train = base.getConfig("demo.train").withFallback(base.getConfig("train"))
                .withValue("batch-size", ConfigValueFactory.fromAnyRef(batch))
                .withValue("model.image-size", ConfigValueFactory.fromAnyRef(imageSize))
                .withValue("spark.averaging-frequency", ConfigValueFactory.fromAnyRef(frequency));
        return ConfigView.of(train.atKey("train"), "train");
    }

    /** The training images, read and cached once per session, and fresh models to train on them. */
    private record Shards(JavaRDD<LoadedImage> images, long count, DetectorSpec detector, List<CocoCategory> categories,
                          TrainSpec train) {
        /** A freshly initialised model, as train builds one for a run of {@code epochs} epochs. */
        DetectorModel fresh(int epochs) throws IOException {
            int perEpoch = (int) Math.ceil((double) count / train.batchSize());
            return TrainJob.fresh(new HadoopFiles(new Configuration()), detector, train, categories, perEpoch * epochs, perEpoch, "");
        }
    }

    private Shards shards(SparkSession spark, Config base, BenchData data, int partitions) throws IOException {
        ShardReader reader = new ShardReader(spark);
        List<CocoCategory> categories = TrainJob.categories(reader.manifest(data.train().toString()));
        JavaRDD<LoadedImage> images = reader.encoded(data.train().toString(), partitions).persist(StorageLevel.MEMORY_AND_DISK());
        long count = images.count(); // read before any clock starts
        ConfigView section = trainSection(base, 1);
        return new Shards(images, count, DetectorSpec.fromConfig(section.sub("model"), categories.size()), categories,
                TrainSpec.fromConfig(section, imageSize));
    }

    private static double sum(double[] seconds) {
        return java.util.Arrays.stream(seconds).sum();
    }
}
