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

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        long distinctAnnotationIds = Stream.concat(train.dataset().annotations().stream(), val.dataset().annotations().stream())
                .mapToLong(CocoAnnotation::id).distinct().count();
        assertEquals(train.dataset().annotations().size() + val.dataset().annotations().size(), distinctAnnotationIds);
        assertEquals(train.dataset().annotations().size(), summary.get(0).annotations());
        for (CocoImage image : train.dataset().images()) {
            assertTrue(Files.isRegularFile(out.resolve("train/images").resolve(image.fileName())), image.fileName());
        }
    }

    @Test
    void coversAllSizeRangesAndHasCrowdRegions() {
        SplitSummary train = summary.get(0);
        assertTrue(train.small() > 0 && train.medium() > 0 && train.large() > 0, train.line());
        assertTrue(train.crowd() > 4, "30% of 40 images have a crowd region: " + train.line());
        assertTrue(train.perClass().values().stream().allMatch(n -> n > 10), train.line());
    }

    @Test
    void boxesEncloseTheirObjectsVisiblePixels() throws Exception {
        ValidatedDataset train = read("train");
        for (CocoImage image : train.dataset().images().subList(0, 15)) {
            DecodedSample sample = DecodedSample.of(null, ImageCodec.decode(Files.readAllBytes(out.resolve("train/images").resolve(image.fileName()))));
            for (CocoAnnotation a : train.dataset().annotationsOf(image.id())) {
                assertTrue(a.bbox().isInside(256, 256), a.toString());
                assertTrue(a.area() <= a.bbox().area() && a.area() > 0, "mask area within the box: " + a);
                if (!a.crowd() && a.bbox().width() >= 12) {
                    // Objects are flat colours with mild shading: pixels at the box centre row vary far less
                    // than the noisy, textured background would.
                    assertTrue(centreColourSpread(sample, a) < 120, "object pixels look uniform: " + a);
                }
            }
        }
    }

    private static int centreColourSpread(DecodedSample sample, CocoAnnotation a) {
        int y = (int) (a.bbox().y() + a.bbox().height() / 2);
        int x = (int) (a.bbox().x() + a.bbox().width() / 2);
        int min = 255;
        int max = 0;
        for (int dx = -2; dx <= 2; dx++) {
            int v = sample.rgb()[3 * (y * sample.width() + x + dx)] & 0xff;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
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
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(out.resolve("train/images/000000000007.jpg")),
                Files.readAllBytes(other.resolve("train/images/000000000007.jpg"))));
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        OutputFolder.OutputExistsException e = assertThrows(OutputFolder.OutputExistsException.class,
                () -> new SyntheticDatasetGenerator(FILES).generate(spec(out, 11), false));
        assertTrue(e.getMessage().contains("holds a finished run"), e.getMessage());
    }

    @Test
    void specRejectsImpossibleSettings() {
        assertEquals("objects per image must satisfy 0 <= min <= max <= 50, got 5..2", assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDatasetSpec("x", 1, 1, 1, 128, 5, 2, 0, 90)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDatasetSpec("x", 1, 0, 0, 128, 1, 2, 0, 90));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDatasetSpec("x", 1, 1, 1, 32, 1, 2, 0, 90));
    }
}
