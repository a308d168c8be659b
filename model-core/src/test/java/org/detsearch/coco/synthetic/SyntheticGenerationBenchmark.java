package org.detsearch.coco.synthetic;

import org.apache.hadoop.conf.Configuration;
import org.detsearch.io.HadoopFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Not a test: measures how many synthetic images per second one thread renders and encodes, and how many a
 * whole {@link SyntheticDatasetGenerator#generate} run writes to a local folder (all cores, JSON included).
 *
 * <pre>
 * java -cp &lt;model-core test classpath&gt; org.detsearch.coco.synthetic.SyntheticGenerationBenchmark [images] [image-size]
 * </pre>
 */
public final class SyntheticGenerationBenchmark {
    private SyntheticGenerationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path dir = Files.createTempDirectory("synthetic-benchmark");
        try {
            SyntheticDatasetSpec spec = new SyntheticDatasetSpec(dir.resolve("data").toString(), 7, images, images / 4, size, 1, 6, 0.1, 90);
            SceneRenderer renderer = new SceneRenderer(spec);
            for (int id = 1; id <= 50; id++) {
                SyntheticDatasetGenerator.render(renderer, spec, id);
            }
            long renderNanos = 0;
            long encodeNanos = 0;
            for (int id = 1; id <= images; id++) {
                long start = System.nanoTime();
                SceneRenderer.Scene scene = renderer.render(SyntheticDatasetGenerator.randomFor(spec, id));
                long rendered = System.nanoTime();
                org.detsearch.image.ImageCodec.encodeJpeg(scene.image(), spec.jpegQuality());
                renderNanos += rendered - start;
                encodeNanos += System.nanoTime() - rendered;
            }
            System.out.printf("one thread, %d px: %.1f images/s (render %.2f ms, JPEG %.2f ms per image)%n", size,
                    images / ((renderNanos + encodeNanos) / 1e9), renderNanos / 1e6 / images, encodeNanos / 1e6 / images);

            long start = System.nanoTime();
            var splits = new SyntheticDatasetGenerator(new HadoopFiles(new Configuration())).generate(spec, false);
            double seconds = (System.nanoTime() - start) / 1e9;
            int written = spec.trainImages() + spec.valImages();
            System.out.printf("generate(), %d cores: %d images in %.2f s = %.1f images/s%n",
                    Runtime.getRuntime().availableProcessors(), written, seconds, written / seconds);
            splits.forEach(s -> System.out.println(s.line()));
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
