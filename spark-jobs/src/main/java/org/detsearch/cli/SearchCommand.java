package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.spark.sql.SparkSession;
import org.detsearch.config.ConfigRedactor;
import org.detsearch.config.ConfigView;
import org.detsearch.model.RetinaNetSpec;
import org.detsearch.search.SearchJob;
import org.detsearch.search.SearchSettings;
import org.detsearch.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch search}: the NATS dilation search on Spark. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"NATS: search the dilations of a ResNet/ResNeXt's bottleneck 3x3 convolutions (stages 3-5, per group",
                "of output channels) for detection. The supernet RetinaNet trains data-parallel with DL4J parameter",
                "averaging: weight steps on split A, architecture steps on split B, alpha frozen for the first epochs.",
                "Writes per-epoch checkpoints and alpha/epoch-N.json, genotype.json at the end; resumes a killed run.",
                "Options are shorthands for search.* keys."})
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Prepared dataset of split A (search.data)")
    String data;

    @Option(names = "--output", paramLabel = "DIR", description = "Run folder (search.output)")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing run folder instead of resuming or refusing (search.overwrite)")
    Boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("search.data", data);
        shorthands.put("search.output", output);
        shorthands.put("search.overwrite", overwrite == null ? null : overwrite.toString());
        Config conf = config.load(shorthands);
        SearchJob.Result result;
        try (SparkSession spark = SparkSessions.create(conf, "detsearch search")) {
            result = search(spark, conf);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("search: %d epochs, %d iterations%s; genotype at %s%n", result.epochs(), result.iterations(),
                result.resumedFromEpoch() > 0 ? " (resumed after epoch " + result.resumedFromEpoch() + ")" : "", result.genotype());
        for (var layer : result.decoded().layers()) {
            out.printf("  %-16s stage %d, %4d channels: %s%n", layer.name(), layer.stage(), layer.channels(), layer.kept().stream()
                    .map(k -> "dilation " + k.dilation() + " x " + k.channels()).collect(java.util.stream.Collectors.joining(", ")));
        }
        out.printf("search: alpha after every epoch in %s/%s, history and curves in %s%n", result.runDir(), SearchJob.ALPHA_DIR,
                result.runDir());
        return ExitCodes.OK;
    }

    static SearchJob.Result search(SparkSession spark, Config conf) throws java.io.IOException {
        ConfigView section = ConfigView.of(conf, "search");
        ConfigView model = section.sub("model");
        // the classes come from the dataset; the detector is re-read with them inside the job's spec
        int imageSize = model.intIn("image-size", 128, 4096);
        SearchSettings settings = SearchSettings.fromConfig(section, imageSize);
        String data = section.nonBlank("data");
        int classes = new org.detsearch.data.ShardReader(spark).manifest(data).categories().size();
        RetinaNetSpec detector = RetinaNetSpec.fromConfig(model, classes);
        return new SearchJob(spark).run(settings, new SearchJob.Inputs(detector, data, section.string("arch-data"),
                section.nonBlank("output"), section.bool("overwrite"), section.string("pretrained"),
                ConfigRedactor.render(conf, Sections.ALL)));
    }
}
