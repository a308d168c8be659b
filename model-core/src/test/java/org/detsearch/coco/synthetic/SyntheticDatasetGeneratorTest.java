package org.detsearch.coco.synthetic;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDatasetGeneratorTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());
    @TempDir
    static java.nio.file.Path tmp;
    private static java.nio.file.Path out;
    private static List<SplitSummary> summary;

    private static SyntheticDatasetSpec spec(java.nio.file.Path dir, long seed) {
        return new SyntheticDatasetSpec(dir.toString(), seed, 40, 10, 256, 1, 6, 0.3, 90);
    }

    @BeforeAll
    static void generate() throws Exception {
        out = tmp.resolve("a");
        summary = new SyntheticDatasetGenerator(FILES).generate(spec(out, 11), false);
    }

    private static ValidatedDataset read(String split) throws Exception {
        CocoInstances instances = CocoJsonReader.readInstances(FILES, new Path(out.resolve(split).resolve("instances.json").toUri()));
        return new CocoValidator(ValidationPolicy.DEFAULT).validate(instances);
    }

    @Test
    void writesTrainAndValSplitsWithUniqueIdsAndValidAnnotations() throws Exception {
        ValidatedDataset train = read("train");
        ValidatedDataset val = read("val");
        assertTrue(train.report().isClean(), train.report().summary());
        assertTrue(val.report().isClean(), val.report().summary());
        assertEquals(40, train.dataset().images().size());
        assertEquals(10, val.dataset().images().size());
        assertEquals(List.of(1, 3, 4, 7, 9, 10), train.dataset().categories().stream().map(CocoCategory::id).toList(),
                "category ids have gaps on purpose");
        assertEquals(41L, val.dataset().images().get(0).id(), "val ids follow train ids");
        assertEquals("000000000041.jpg", val.dataset().images().get(0).fileName());
        long distinctAnnotationIds = Stream.concat(train.dataset().annotations().stream(), val.dataset().annotations().stream())
                .mapToLong(CocoAnnotation::id).distinct().count();
        assertEquals(train.dataset().annotations().size() + val.dataset().annotations().size(), distinctAnnotationIds);
        assertEquals(train.dataset().annotations().size(), summary.get(0).annotations());
        assertEquals(val.dataset().annotations().size(), summary.get(1).annotations());
        for (CocoImage image : train.dataset().images()) {
            assertTrue(Files.isRegularFile(out.resolve("train/images").resolve(image.fileName())), image.fileName());
        }
        try (Stream<java.nio.file.Path> written = Files.list(out.resolve("val/images"))) {
            assertEquals(10, written.count(), "no stray files next to the images");
        }
    }

    @Test
    void summaryCountsAddUpAndPrintAsOneLine() {
        for (SplitSummary split : summary) {
            assertEquals(split.annotations(), split.small() + split.medium() + split.large(), split.line());
            assertEquals(split.annotations(), split.perClass().values().stream().mapToInt(Integer::intValue).sum(), split.line());
            assertEquals(List.of("circle", "square", "triangle", "cross", "ring", "diamond"), List.copyOf(split.perClass().keySet()));
            assertTrue(split.line().startsWith(split.name() + ": " + split.images() + " images, "), split.line());
        }
    }

    @Test
    void coversAllSizeRangesAndHasCrowdRegions() {
        SplitSummary train = summary.get(0);
        assertTrue(train.annotations() > 120, train.line());
        assertTrue(train.small() > 15 && train.medium() > 15 && train.large() > 15, "COCO small, medium and large: " + train.line());
        assertTrue(train.crowd() > 4, "30% of 40 images have a crowd region: " + train.line());
        assertTrue(train.perClass().values().stream().allMatch(n -> n > 10), train.line());
    }

    @Test
    void annotationsAreTheRenderedScenesVisiblePixels() throws Exception {
        SyntheticDatasetSpec spec = spec(out, 11);
        SceneRenderer renderer = new SceneRenderer(spec);
        ValidatedDataset train = read("train");
        List<Double> colouredFractions = new java.util.ArrayList<>();
        for (CocoImage image : train.dataset().images().subList(0, 20)) {
            SceneRenderer.Scene scene = renderer.render(SyntheticDatasetGenerator.randomFor(spec, (int) image.id()));
            List<SceneRenderer.ObjectTruth> truths = scene.objects();
            List<CocoAnnotation> annotations = train.dataset().annotationsOf(image.id());
            assertEquals(truths.size(), annotations.size(), "image " + image.id());
            DecodedSample drawn = DecodedSample.of(null, scene.image());
            DecodedSample decoded = DecodedSample.of(null,
                    ImageCodec.decode(Files.readAllBytes(out.resolve("train/images").resolve(image.fileName()))));
            for (int i = 0; i < truths.size(); i++) {
                SceneRenderer.ObjectTruth truth = truths.get(i);
                CocoAnnotation a = annotations.get(i);
                assertEquals(truth.kind().categoryId(), a.categoryId());
                assertEquals(truth.crowd(), a.crowd());
                assertEquals(truth.bbox(), a.bbox());
                assertTrue(a.bbox().isInside(256, 256), a.toString());
                assertTrue(a.area() > 0 && a.area() <= a.bbox().area(), "mask area within the box: " + a);
                if (a.area() >= 100) {
                    // The object's colour dominates its box in the decoded JPEG: most of its visible pixels (area)
                    // carry it. Not all: JPEG's chroma subsampling blurs edges, which matters for thin rings and
                    // for the 5-9 px shapes of a crowd. And the box is tight: every edge of it touches the drawn
                    // object (checked before JPEG, which blurs one-pixel tips such as a triangle's).
                    double coloured = matchingPixels(decoded, a, truth.color(), 24, 0, 0, (int) a.bbox().width(), (int) a.bbox().height());
                    assertTrue(coloured >= (a.crowd() ? 0.5 : 0.6) * a.area(), "object colour in " + coloured + " of " + a.area() + " px: " + a);
                    if (!a.crowd()) {
                        colouredFractions.add(coloured / a.area());
                    }
                    assertTightBox(drawn, a, truth.color());
                }
            }
        }
        assertTrue(colouredFractions.size() > 40, "checked " + colouredFractions.size() + " objects");
        double median = colouredFractions.stream().sorted().toList().get(colouredFractions.size() / 2);
        assertTrue(median > 0.9, "a typical object's colour covers over 90% of its visible pixels: " + median);
    }

    private static void assertTightBox(DecodedSample pixels, CocoAnnotation a, Color color) {
        int w = (int) a.bbox().width();
        int h = (int) a.bbox().height();
        int exact = 1;
        assertTrue(matchingPixels(pixels, a, color, exact, 0, 0, w, 1) > 0, "top row touches the object: " + a);
        assertTrue(matchingPixels(pixels, a, color, exact, 0, h - 1, w, 1) > 0, "bottom row touches the object: " + a);
        assertTrue(matchingPixels(pixels, a, color, exact, 0, 0, 1, h) > 0, "left column touches the object: " + a);
        assertTrue(matchingPixels(pixels, a, color, exact, w - 1, 0, 1, h) > 0, "right column touches the object: " + a);
    }

    /**
     * Pixels of a sub-rectangle of the annotation's box that show the object's colour: its base colour plus some
     * shading (objects are shaded linearly, the same amount added to every channel, then clamped to 0..255),
     * within {@code tolerance} per channel.
     */
    private static int matchingPixels(DecodedSample pixels, CocoAnnotation a, Color color, int tolerance, int dx, int dy, int w, int h) {
        int[] base = {color.getRed(), color.getGreen(), color.getBlue()};
        int x0 = (int) a.bbox().x() + dx;
        int y0 = (int) a.bbox().y() + dy;
        int count = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int p = 3 * (y * pixels.width() + x);
                if (isShadeOf(pixels.rgb(), p, base, tolerance)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean isShadeOf(byte[] rgb, int p, int[] base, int tolerance) {
        for (int shade = -255; shade <= 255; shade++) {
            boolean matches = true;
            for (int c = 0; c < 3 && matches; c++) {
                int expected = Math.max(0, Math.min(255, base[c] + shade));
                matches = Math.abs((rgb[p + c] & 0xff) - expected) <= tolerance;
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sizeRangesAndCrowdsOverAFewHundredObjects() {
        SyntheticDatasetSpec spec = new SyntheticDatasetSpec("unused", 3, 120, 0, 256, 1, 6, 0.1, 90);
        SceneRenderer renderer = new SceneRenderer(spec);
        int[] ranges = new int[3];
        int crowd = 0;
        for (int id = 1; id <= spec.trainImages(); id++) {
            for (SceneRenderer.ObjectTruth truth : renderer.render(SyntheticDatasetGenerator.randomFor(spec, id)).objects()) {
                ranges[truth.area() < 32 * 32 ? 0 : truth.area() < 96 * 96 ? 1 : 2]++;
                crowd += truth.crowd() ? 1 : 0;
            }
        }
        int total = Arrays.stream(ranges).sum();
        assertTrue(total > 300, "objects: " + total);
        for (int range : ranges) {
            assertTrue(range > total / 10, "small/medium/large " + Arrays.toString(ranges));
        }
        assertTrue(crowd >= 5 && crowd <= 25, "about 10% of 120 images have a crowd region: " + crowd);
    }

    @Test
    void objectSizeRangeBoundsTheBoxes() {
        SyntheticDatasetSpec spec = new SyntheticDatasetSpec("unused", 3, 60, 0, 128, 1, 4, 0, 90, 0.3, 0.5);
        SceneRenderer renderer = new SceneRenderer(spec);
        int objects = 0;
        for (int id = 1; id <= spec.trainImages(); id++) {
            for (SceneRenderer.ObjectTruth truth : renderer.render(SyntheticDatasetGenerator.randomFor(spec, id)).objects()) {
                // a box is the visible part of a shape whose side is in [0.3, 0.5] x 128 (occlusion only shrinks it)
                double longer = Math.max(truth.bbox().width(), truth.bbox().height());
                assertTrue(longer <= 0.5 * 128 + 1, "box " + truth.bbox());
                objects++;
            }
        }
        assertTrue(objects > 60, "objects: " + objects);
    }

    @Test
    void theSameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws Exception {
        java.nio.file.Path again = tmp.resolve("b");
        new SyntheticDatasetGenerator(FILES).generate(spec(again, 11), false);
        for (String file : List.of("train/instances.json", "val/instances.json", "train/images/000000000007.jpg", "val/images/000000000045.jpg")) {
            assertArrayEquals(Files.readAllBytes(out.resolve(file)), Files.readAllBytes(again.resolve(file)), file);
        }
        java.nio.file.Path other = tmp.resolve("c");
        new SyntheticDatasetGenerator(FILES).generate(spec(other, 12), false);
        assertFalse(Arrays.equals(Files.readAllBytes(out.resolve("train/images/000000000007.jpg")),
                Files.readAllBytes(other.resolve("train/images/000000000007.jpg"))));
    }

    @Test
    void anImageDependsOnlyOnSeedAndIdSoItCanBeDrawnAloneInAnyOrder() throws Exception {
        SyntheticDatasetSpec spec = spec(out, 11);
        SceneRenderer renderer = new SceneRenderer(spec);
        for (int id : new int[] {45, 7, 1}) {
            byte[] alone = SyntheticDatasetGenerator.render(renderer, spec, id).jpeg();
            String split = id > spec.trainImages() ? "val" : "train";
            assertArrayEquals(Files.readAllBytes(out.resolve(split + "/images").resolve(String.format("%012d.jpg", id))), alone, "image " + id);
        }
    }

    @Test
    void neighbouringImagesDrawUncorrelatedRandomNumbers() {
        // java.util.Random seeded with s, s+1, ... gives nearly the same first double; every image would then
        // start with the same "random" background colour.
        SyntheticDatasetSpec spec = spec(out, 11);
        double[] first = new double[200];
        for (int id = 1; id <= first.length; id++) {
            first[id - 1] = SyntheticDatasetGenerator.randomFor(spec, id).nextDouble();
        }
        double mean = Arrays.stream(first).average().orElseThrow();
        double variance = Arrays.stream(first).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        assertEquals(0.5, mean, 0.06);
        assertEquals(1.0 / 12, variance, 0.02, "uniform on [0, 1) has variance 1/12");
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        OutputFolder.OutputExistsException e = assertThrows(OutputFolder.OutputExistsException.class,
                () -> new SyntheticDatasetGenerator(FILES).generate(spec(out, 11), false));
        assertTrue(e.getMessage().contains("holds a finished run"), e.getMessage());
    }
}
