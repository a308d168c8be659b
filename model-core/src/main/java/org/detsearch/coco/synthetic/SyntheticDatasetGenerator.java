package org.detsearch.coco.synthetic;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoJsonWriter;
import org.detsearch.image.ImageCodec;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.detsearch.util.Progress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Writes a synthetic COCO-format detection dataset: {@code <out>/train} and {@code <out>/val}, each with
 * {@code images/*.jpg} and {@code instances.json}, to any Hadoop path. Every image draws from its own random
 * generator seeded by (seed, image id), so the output is byte-identical for a spec whatever the thread count.
 */
public final class SyntheticDatasetGenerator {
    /** Written last: its presence marks a finished generation. */
    public static final String DONE_MARKER = "train/instances.json";
    private static final int MAX_ANNOTATIONS_PER_IMAGE = 1000;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final HadoopFiles files;

    public SyntheticDatasetGenerator(HadoopFiles files) {
        this.files = files;
    }

    public List<SplitSummary> generate(SyntheticDatasetSpec spec, boolean overwrite) throws IOException {
        Path out = files.qualify(spec.output());
        OutputFolder.claim(files, out, overwrite, DONE_MARKER);
        // val first, so the train JSON (the done marker) is the last file written
        SplitSummary val = writeSplit(spec, new Path(out, "val"), "val", spec.trainImages() + 1, spec.valImages());
        SplitSummary train = writeSplit(spec, new Path(out, "train"), "train", 1, spec.trainImages());
        return List.of(train, val);
    }

    private SplitSummary writeSplit(SyntheticDatasetSpec spec, Path dir, String name, int firstId, int count) throws IOException {
        Path imagesDir = new Path(dir, "images");
        FileSystem fs = files.fileSystem(imagesDir);
        fs.mkdirs(imagesDir);
        SceneRenderer renderer = new SceneRenderer(spec);
        Progress progress = new Progress("generate-data " + name, "images", count);
        List<GeneratedImage> generated = IntStream.range(firstId, firstId + count).parallel()
                .mapToObj(id -> {
                    GeneratedImage image = render(renderer, spec, id);
                    write(fs, new Path(imagesDir, image.image().fileName()), image.jpeg());
                    progress.advance(1);
                    return image.withoutPixels();
                })
                .toList();
        List<CocoImage> images = generated.stream().map(GeneratedImage::image).toList();
        List<CocoAnnotation> annotations = generated.stream().flatMap(g -> g.annotations().stream()).toList();
        CocoDataset dataset = new CocoDataset(images, annotations, ShapeKind.categories());
        Map<String, String> info = Map.of("description", "DetSearch synthetic shapes (" + name + ")",
                "seed", Long.toString(spec.seed()), "image_size", Integer.toString(spec.imageSize()));
        files.writeAtomically(new Path(dir, "instances.json"), o -> CocoJsonWriter.writeGroundTruth(dataset, info, o));
        return summarise(name, dataset);
    }

    /** One image and its annotations; deterministic in (spec, id). */
    static GeneratedImage render(SceneRenderer renderer, SyntheticDatasetSpec spec, int id) {
        SceneRenderer.Scene scene = renderer.render(randomFor(spec, id));
        CocoImage image = new CocoImage(id, String.format("%012d.jpg", id), spec.imageSize(), spec.imageSize());
        List<CocoAnnotation> annotations = new ArrayList<>();
        for (SceneRenderer.ObjectTruth truth : scene.objects()) {
            long annotationId = (long) id * MAX_ANNOTATIONS_PER_IMAGE + annotations.size() + 1;
            annotations.add(new CocoAnnotation(annotationId, id, truth.kind().categoryId(), truth.bbox(), truth.area(), truth.crowd()));
        }
        return new GeneratedImage(image, annotations, ImageCodec.encodeJpeg(scene.image(), spec.jpegQuality()));
    }

    /**
     * The image's own generator: a function of (seed, image id) only, so images can be drawn in any order. The seed
     * is scrambled because java.util.Random's first draw barely changes between neighbouring seeds (seeds s and s+1
     * give first doubles about 1e-4 apart), which would make that draw almost the same in every image.
     */
    static Random randomFor(SyntheticDatasetSpec spec, int imageId) {
        return new Random(splitMix64(splitMix64(spec.seed()) + GOLDEN_GAMMA * imageId));
    }

    /** SplitMix64's finaliser: a bijection on longs whose every output bit depends on every input bit. */
    private static long splitMix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes one image; on the local disk without Hadoop's ".crc" side file per image. */
    private static void write(FileSystem fs, Path path, byte[] bytes) {
        FileSystem target = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
        try (OutputStream out = target.create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private static SplitSummary summarise(String name, CocoDataset dataset) {
        Map<String, Integer> perClass = new LinkedHashMap<>();
        dataset.categories().forEach(c -> perClass.put(c.name(), 0));
        int crowd = 0;
        int small = 0;
        int medium = 0;
        int large = 0;
        for (CocoAnnotation a : dataset.annotations()) {
            String className = dataset.categories().stream().filter(c -> c.id() == a.categoryId()).findFirst().orElseThrow().name();
            perClass.merge(className, 1, Integer::sum);
            crowd += a.crowd() ? 1 : 0;
            if (a.area() < 32 * 32) {
                small++;
            } else if (a.area() < 96 * 96) {
                medium++;
            } else {
                large++;
            }
        }
        return new SplitSummary(name, dataset.images().size(), dataset.annotations().size(), crowd, perClass, small, medium, large);
    }

    /** A rendered image: its COCO entry, annotations and JPEG bytes (dropped once written). */
    record GeneratedImage(CocoImage image, List<CocoAnnotation> annotations, byte[] jpeg) {
        GeneratedImage withoutPixels() {
            return new GeneratedImage(image, annotations, null);
        }
    }
}
