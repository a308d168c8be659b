package org.detsearch.cli;

import com.typesafe.config.Config;
import org.apache.hadoop.fs.Path;
import org.detsearch.coco.synthetic.SplitSummary;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.config.ConfigRedactor;
import org.detsearch.config.ConfigView;
import org.detsearch.io.HadoopConf;
import org.detsearch.io.HadoopFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detsearch generate-data}: the synthetic COCO-format dataset the demo and tests train on. */
@Command(name = "generate-data", mixinStandardHelpOptions = true,
        description = {"Generate a synthetic COCO-format detection dataset: JPEG images of six shape classes",
                "(category ids 1, 3, 4, 7, 9, 10) in small, medium and large sizes on noisy textured backgrounds,",
                "with crowd regions; train/ and val/ splits with instances.json. Deterministic by seed. Runs in",
                "this JVM (no Spark); the output may be any Hadoop path. Options are shorthands for generate.* keys."})
public final class GenerateDataCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR", description = "Dataset folder to create (generate.output)")
    String output;

    @Option(names = "--train", paramLabel = "N", description = "Train images (generate.train-images)")
    Integer train;

    @Option(names = "--val", paramLabel = "N", description = "Validation images (generate.val-images)")
    Integer val;

    @Option(names = "--image-size", paramLabel = "PX", description = "Image side (generate.image-size)")
    Integer imageSize;

    @Option(names = "--seed", description = "Random seed (generate.seed)")
    Long seed;

    @Option(names = "--overwrite", description = "Replace an existing output (generate.overwrite)")
    Boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("generate.output", output);
        shorthands.put("generate.train-images", train == null ? null : train.toString());
        shorthands.put("generate.val-images", val == null ? null : val.toString());
        shorthands.put("generate.image-size", imageSize == null ? null : imageSize.toString());
        shorthands.put("generate.seed", seed == null ? null : seed.toString());
        shorthands.put("generate.overwrite", overwrite == null ? null : overwrite.toString());
        Config conf = config.load(shorthands);
        ConfigView view = ConfigView.of(conf, "generate");
        SyntheticDatasetSpec dataset = ConfigView.validated("generate", () -> SyntheticDatasetSpec.fromConfig(view));

        HadoopFiles files = new HadoopFiles(HadoopConf.from(conf));
        long start = System.nanoTime();
        var splits = new SyntheticDatasetGenerator(files).generate(dataset, view.bool("overwrite"));
        Path out = files.qualify(dataset.output());
        files.writeAtomically(new Path(out, "resolved.conf"),
                ConfigRedactor.render(conf, Sections.ALL).getBytes(StandardCharsets.UTF_8));
        var printer = spec.commandLine().getOut();
        for (SplitSummary split : splits) {
            printer.println("generate-data: " + split.line());
        }
        printer.printf("generate-data: wrote %s in %.1f s (annotations: %s, %s)%n", out, (System.nanoTime() - start) / 1e9,
                new Path(out, "train/instances.json"), new Path(out, "val/instances.json"));
        return ExitCodes.OK;
    }
}
