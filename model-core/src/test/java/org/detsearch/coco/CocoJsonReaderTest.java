package org.detsearch.coco;

import org.apache.hadoop.conf.Configuration;
import org.detsearch.io.HadoopFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CocoJsonReaderTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());

    /** One image, one annotation, one category: the smallest complete instances file. */
    private static final String ONE_BOX = """
            {"info": {"year": 2017},
             "images": [{"id": 9, "file_name": "a.jpg", "width": 640, "height": 480, "license": 3}],
             "annotations": [{"id": 1, "image_id": 9, "category_id": 18, "bbox": [10.5, 20, 30, 40], "area": 1100.25,
                              "iscrowd": 0, "segmentation": [[10.5, 20, 40.5, 20, 40.5, 60, 10.5, 60]]}],
             "categories": [{"id": 18, "name": "dog", "supercategory": "animal"}],
             "licenses": [{"id": 3, "name": "by-nc-nd"}]}
            """;

    @Test
    void readsCoco128FromAHadoopPath() throws IOException {
        Path file = SharedTestData.coco128Instances();

        CocoInstances coco = CocoJsonReader.readInstances(FILES, new org.apache.hadoop.fs.Path(file.toUri()));

        assertEquals(128, coco.images().size());
        assertEquals(939, coco.annotations().size());
        assertEquals(80, coco.categories().size());
        assertEquals(10, coco.annotations().stream().filter(CocoAnnotation::crowd).count());
        assertEquals(new CocoImage(9, "000000000009.jpg", 640, 480), coco.images().get(0));
        assertEquals(new CocoAnnotation(1774, 74, 18, new BBox(61.87, 276.25, 296.42, 103.18), 18234.62355, false),
                coco.annotations().get(0));
        assertEquals(new CocoCategory(1, "person", "person"), coco.categories().get(0));
        assertEquals(90, coco.categories().get(79).id(), "COCO's 80 category ids run up to 90, with gaps");
    }

    @Test
    void coco128LabelMapTurnsSparseCategoryIdsIntoContiguousLabels() throws IOException {
        CocoInstances coco = readFile(SharedTestData.coco128Instances());
        LabelMap labels = new LabelMap(coco.categories());

        assertEquals(80, labels.numClasses());
        assertEquals(0, labels.labelOf(1));
        assertEquals(11, labels.labelOf(13), "id 12 is one of COCO's gaps");
        assertFalse(labels.contains(12));
        assertEquals(79, labels.labelOf(90));
        for (CocoCategory category : coco.categories()) {
            assertEquals(category.id(), labels.categoryIdOf(labels.labelOf(category.id())));
        }
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBackExactly() throws IOException {
        CocoDataset written = new CocoDataset(
                List.of(new CocoImage(1, "one.jpg", 640, 480), new CocoImage(900_100_000_001L, "two.jpg", 33, 17)),
                List.of(new CocoAnnotation(5, 1, 3, new BBox(0.1, 0.2, 100.25, 50.125), 4000.5, false),
                        new CocoAnnotation(6, 1, 90, new BBox(600, 400, 40, 80), 3200, true),
                        new CocoAnnotation(908_400_000_643L, 900_100_000_001L, 3, new BBox(1e-7, 2, 3, 4), 12, false)),
                List.of(new CocoCategory(3, "car", "vehicle"), new CocoCategory(90, "toothbrush", "indoor")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CocoJsonWriter.writeGroundTruth(written, Map.of("description", "round trip"), out);

        CocoInstances read = CocoJsonReader.readInstances(new ByteArrayInputStream(out.toByteArray()), "round-trip.json");

        assertEquals(written.images(), read.images());
        assertEquals(written.annotations(), read.annotations());
        assertEquals(written.categories(), read.categories());
    }

    @Test
    void resultsWrittenByTheWriterAreReadBackExactly() throws IOException {
        List<Detection> written = List.of(
                new Detection(9, 18, new BBox(10.5, 20, 30, 40), 0.987654321),
                new Detection(9, 1, new BBox(0, 0, 1, 1), 0.05));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CocoJsonWriter.writeResults(written, out);

        assertEquals(written, CocoJsonReader.readResults(new ByteArrayInputStream(out.toByteArray()), "dets.json"));
    }

    @Test
    void keepsWhatDetectionNeedsAndSkipsSegmentationsInfoAndLicenses() throws IOException {
        CocoInstances coco = read(ONE_BOX);

        assertEquals(List.of(new CocoImage(9, "a.jpg", 640, 480)), coco.images());
        assertEquals(List.of(new CocoAnnotation(1, 9, 18, new BBox(10.5, 20, 30, 40), 1100.25, false)), coco.annotations());
        assertEquals(List.of(new CocoCategory(18, "dog", "animal")), coco.categories());
    }

    @Test
    void readsResultsSkippingFieldsOtherToolsAdd() throws IOException {
        String json = """
                [{"image_id": 9, "category_id": 18, "bbox": [10, 20.5, 30, 40], "score": 0.9, "id": 1, "area": 1230},
                 {"image_id": 42, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 1}]
                """;

        assertEquals(List.of(new Detection(9, 18, new BBox(10, 20.5, 30, 40), 0.9),
                        new Detection(42, 1, new BBox(0, 0, 5, 5), 1.0)),
                CocoJsonReader.readResults(stream(json), "dets.json"));
        assertEquals(List.of(), CocoJsonReader.readResults(stream("[]"), "empty.json"));
    }

    @Test
    void aTruncatedFileNamesWhereItEnds() {
        String truncated = ONE_BOX.substring(0, ONE_BOX.indexOf("30, 40]"));

        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].bbox[2] (line 3, column 81): "
                + "unexpected end of input", truncated);
    }

    @Test
    void anEmptyFileIsMalformed() {
        assertMalformed("instances.json: malformed COCO JSON at $ (line 1, column 1): unexpected end of input", "");
    }

    @Test
    void aStringWhereANumberIsExpectedIsNamedWithItsPath() {
        String json = ONE_BOX.replace("\"width\": 640", "\"width\": \"640\"");

        assertMalformed("instances.json: malformed COCO JSON at $.images[0].width (line 2, column 54): "
                + "expected an integer, got a string \"640\"", json);
    }

    @Test
    void aFractionalIdIsNotAnInteger() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].category_id (line 3, column 58): "
                + "expected an integer, got the number 18.0", ONE_BOX.replace("\"category_id\": 18", "\"category_id\": 18.0"));
    }

    @Test
    void anIdTooLargeForItsTypeIsOutOfRange() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].category_id (line 3, column 58): "
                + "integer 3000000000 is out of range", ONE_BOX.replace("\"category_id\": 18", "\"category_id\": 3000000000"));
    }

    @Test
    void aCrowdFlagIsZeroOrOne() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].iscrowd (line 4, column 30): expected 0 or 1, got 2",
                ONE_BOX.replace("\"iscrowd\": 0", "\"iscrowd\": 2"));
    }

    @Test
    void aStringInsideABoxIsNamedWithItsIndex() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].bbox[1] (line 3, column 77): "
                + "expected a number, got a string \"20\"", ONE_BOX.replace("[10.5, 20, 30, 40]", "[10.5, \"20\", 30, 40]"));
    }

    @Test
    void aBoxNeedsExactlyFourNumbers() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0].bbox (line 3, column 83): "
                + "a box has 4 numbers [x, y, width, height], this one has 3", ONE_BOX.replace("[10.5, 20, 30, 40]", "[10.5, 20, 30]"));
    }

    @Test
    void anObjectWhereAnArrayIsRequiredIsRejected() {
        String json = """
                {"images": [],
                 "annotations": {},
                 "categories": []}
                """;

        assertMalformed("instances.json: malformed COCO JSON at $.annotations (line 2, column 17): "
                + "expected an array, got an object", json);
    }

    @Test
    void anAnnotationWithoutABoxIsMissingARequiredField() {
        assertMalformed("instances.json: malformed COCO JSON at $.annotations[0] (line 4, column 91): "
                + "missing required field 'bbox'", ONE_BOX.replace("\"bbox\": [10.5, 20, 30, 40], ", ""));
    }

    @Test
    void aFileWithoutCategoriesIsMissingARequiredField() {
        String json = ONE_BOX.replace("\"categories\": [{\"id\": 18, \"name\": \"dog\", \"supercategory\": \"animal\"}],", "");

        assertMalformed("instances.json: malformed COCO JSON at $ (line 6, column 45): missing required field 'categories'", json);
    }

    @Test
    void aRepeatedFieldIsAnErrorNotLastOneWins() {
        assertMalformed("instances.json: malformed COCO JSON at $.images[0].id (line 2, column 78): Duplicate field 'id'",
                ONE_BOX.replace("\"height\": 480", "\"height\": 480, \"id\": 10"));
    }

    @Test
    void twoConcatenatedDocumentsAreNotOne() {
        assertMalformed("instances.json: malformed COCO JSON at $ (line 7, column 1): "
                + "unexpected content after the end of the top-level value", ONE_BOX + ONE_BOX);
    }

    @Test
    void resultsMustBeAnArray() {
        CocoFormatException e = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.readResults(stream("{\"image_id\": 1}"), "dets.json"));

        assertEquals("dets.json: malformed COCO JSON at $ (line 1, column 1): expected an array, got an object", e.getMessage());
    }

    @Test
    void aDetectionWithoutAScoreIsMissingARequiredField() {
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoJsonReader.readResults(
                stream("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5},\n"
                        + " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]"), "dets.json"));

        assertEquals("dets.json: malformed COCO JSON at $[1] (line 2, column 56): missing required field 'score'", e.getMessage());
        assertEquals("$[1]", e.jsonPath());
        assertEquals(2, e.line());
    }

    @Test
    void anErrorInAFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"images\": [}");
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());

        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoJsonReader.readInstances(FILES, path));

        assertEquals(path + ": malformed COCO JSON at $.images (line 1, column 14): Unexpected close marker '}': "
                + "expected ']' (for Array starting at [line: 1, column: 12])", e.getMessage());
    }

    private static void assertMalformed(String expectedMessage, String json) {
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> read(json));
        assertEquals(expectedMessage, e.getMessage());
    }

    private static CocoInstances read(String json) throws IOException {
        return CocoJsonReader.readInstances(stream(json), "instances.json");
    }

    private static CocoInstances readFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return CocoJsonReader.readInstances(in, file.getFileName().toString());
        }
    }

    private static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
