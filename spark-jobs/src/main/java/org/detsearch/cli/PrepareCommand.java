package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.config.ConfigRedactor;
import org.detsearch.config.ConfigView;
import org.detsearch.data.Manifest;
import org.detsearch.data.PrepareJob;
import org.detsearch.data.PrepareSpec;
import org.detsearch.io.HadoopFiles;
import org.detsearch.spark.SparkSessions;
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

/** {@code detsearch prepare}: COCO annotations + images on any Hadoop path -> validated Parquet shards. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Validate COCO instances JSON and write the images with their boxes as Parquet shards plus a",
                "manifest.json (counts, categories, skipped items with reasons, shard list). Paths may be local,",
                "file://, hdfs:// or s3a://. Options are shorthands for the prepare.* config keys."})
public final class PrepareCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--annotations", paramLabel = "JSON", description = "COCO instances JSON (prepare.annotations)")
    String annotations;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of the images (prepare.images)")
    String images;

    @Option(names = "--output", paramLabel = "DIR", description = "Dataset folder to create (prepare.output)")
    String output;

    @Option(names = "--shard-size", paramLabel = "SIZE", description = "Target shard size, e.g. 128MiB (prepare.shard-size)")
    String shardSize;

    @Option(names = "--max-side", paramLabel = "PX", description = "Downscale longer sides above this; 0 keeps sizes (prepare.max-side)")
    Integer maxSide;

    @Option(names = "--overwrite", description = "Replace an existing output (prepare.overwrite)")
    Boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("prepare.annotations", annotations);
        shorthands.put("prepare.images", images);
        shorthands.put("prepare.output", output);
        shorthands.put("prepare.shard-size", shardSize);
        shorthands.put("prepare.max-side", maxSide == null ? null : maxSide.toString());
        shorthands.put("prepare.overwrite", overwrite == null ? null : overwrite.toString());
        Config conf = config.load(shorthands);
        try (SparkSession spark = SparkSessions.create(conf, "detsearch prepare")) {
            prepare(spark, conf, this.spec.commandLine().getOut());
        }
        return ExitCodes.OK;
    }

    /** Runs the {@code prepare} section of {@code conf} and prints its report (the demo calls this too). */
    static Manifest prepare(SparkSession spark, Config conf, PrintWriter out) throws IOException {
        PrepareSpec prepareSpec = PrepareSpec.fromConfig(ConfigView.of(conf, "prepare"));
        ValidationPolicy policy = ValidationPolicy.fromConfig(ConfigView.of(conf, "coco.validation"));
        HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
        ValidatedDataset validated = new CocoValidator(policy)
                .validate(CocoJsonReader.readInstances(files, files.qualify(prepareSpec.annotations())));
        Manifest manifest = new PrepareJob(spark).run(prepareSpec, validated, ConfigRedactor.render(conf, Sections.ALL));
        out.println(PrepareJob.withSkipped(validated.report(), manifest.skipped()).summary());
        print(manifest, files.qualify(prepareSpec.output()), out);
        return manifest;
    }

    static void print(Manifest m, Path output, PrintWriter out) {
        Manifest.Counts c = m.counts();
        out.printf("prepare: wrote %d of %d images (%d annotations, %d crowd) in %d shards, %d categories%n",
                c.imagesWritten(), c.imagesInAnnotations(), c.annotationsWritten(), c.crowdWritten(),
                m.shards().size(), m.categories().size());
        out.printf("prepare: dataset at %s (manifest: %s)%n", output, new Path(output, Manifest.FILE_NAME));
    }
}
