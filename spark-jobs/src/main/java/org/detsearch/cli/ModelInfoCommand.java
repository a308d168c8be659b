package org.detsearch.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.detsearch.model.ModelCatalog;
import org.detsearch.model.ModelInfo;
import org.detsearch.nats.Genotype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code detsearch model-info}: parameters and multiply-adds of a named network, built but not trained. */
@Command(name = "model-info", mixinStandardHelpOptions = true,
        description = {"Build a named network (no weights loaded, nothing trained) and count its trainable parameters",
                "(what papers and Keras report), all parameters (with batch-norm running statistics, as DL4J counts)",
                "and the multiply-adds of one forward pass for one image. Backbones count alone, or with --num-classes",
                "their ImageNet-style classifier; EfficientDets count whole (90 COCO classes unless --num-classes)."})
public final class ModelInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "One of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    String model;

    @Option(names = "--num-classes", paramLabel = "K", description = "Classifier outputs (backbones: none unless given)")
    Integer numClasses;

    @Option(names = "--image-size", paramLabel = "PX", description = "Square input side (default: the network's usual)")
    Integer imageSize;

    @Option(names = "--genotype", paramLabel = "FILE",
            description = "A genotype.json of `search` (any Hadoop path): count the NATS-transformed ResNet/ResNeXt")
    String genotype;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the counts as JSON (any Hadoop path)")
    String json;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelCatalog.names().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        ModelCatalog.Network network;
        try {
            Optional<Genotype> transform = genotype == null ? Optional.empty()
                    : Optional.of(Genotype.read(files, files.qualify(genotype)));
            network = ModelCatalog.build(model, optional(numClasses), optional(imageSize), transform);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ModelInfo info = ModelInfo.of(network);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model-info: %s%s at %dx%d: %,d trainable parameters (%,d with batch-norm statistics), %,d multiply-adds%n",
                info.model(), genotype == null ? "" : " (NATS-transformed by " + genotype + ")", info.imageSize(), info.imageSize(), info.trainableParams(), info.allParams(), info.multiplyAdds());
        if (json != null) {
            Path target = files.qualify(json);
            files.writeAtomically(target, info.toJson().getBytes(StandardCharsets.UTF_8));
            out.println("model-info: written to " + target);
        }
        return ExitCodes.OK;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
