package org.detsearch.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.config.ConfigView;
import org.detsearch.data.Manifest;
import org.detsearch.io.HadoopConf;
import org.detsearch.io.HadoopFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The data of the benchmarks that read shards (spark, loader, sweep): the demo's synthetic dataset (its object mix,
 * {@code demo.generate}) of a given size, generated and prepared into Parquet shards as the demo does, once per
 * folder ({@code <root>/data-<train>+<val>x<size>px/shards/train} and {@code .../val}); a later run reuses it.
 */
record BenchData(Path train, Path val) {
    static BenchData prepared(SparkSession spark, Config conf, Path root, int trainImages, int valImages, int imageSize,
                              PrintWriter out) throws IOException {
        Path dir = root.toAbsolutePath().resolve("data-" + trainImages + "+" + valImages + "x" + imageSize + "px");
        BenchData data = new BenchData(dir.resolve("shards/train"), dir.resolve("shards/val"));
        if (Files.isRegularFile(data.train().resolve(Manifest.FILE_NAME)) && Files.isRegularFile(data.val().resolve(Manifest.FILE_NAME))) {
            return data;
        }
        out.printf("bench: generating and preparing %d + %d synthetic images of %d px into %s%n", trainImages, valImages, imageSize, dir);
        Config staged = DemoCommand.stages(ConfigFactory.parseMap(Map.of(
                "demo.output", dir.toString(),
                "demo.generate.train-images", trainImages,
                "demo.generate.val-images", valImages,
                "demo.generate.image-size", imageSize,
                "demo.generate.overwrite", true)).withFallback(conf));
        SyntheticDatasetSpec spec = ConfigView.validated("generate", () -> SyntheticDatasetSpec.fromConfig(ConfigView.of(staged, "generate")));
        new SyntheticDatasetGenerator(new HadoopFiles(HadoopConf.from(staged))).generate(spec, true);
        org.apache.hadoop.fs.Path hadoopRoot = new org.apache.hadoop.fs.Path(dir.toUri());
        for (String split : new String[] {"train", "val"}) {
            PrepareCommand.prepare(spark, DemoCommand.withPrepare(staged, spec.output(), split, hadoopRoot), out);
        }
        return data;
    }

    /** A config whose Spark master is {@code master}. */
    static Config withMaster(Config conf, String master) {
        return conf.withValue("spark-runtime.master", ConfigValueFactory.fromAnyRef(master));
    }
}
