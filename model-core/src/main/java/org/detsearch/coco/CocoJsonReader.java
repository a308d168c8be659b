package org.detsearch.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads COCO instances (ground truth) and COCO results (detections) JSON with Jackson's streaming parser, keeping
 * only what detection needs. Nothing is built as a tree: segmentations (most of train2017's 450 MB), {@code info},
 * {@code licenses} and unknown fields are skipped token by token, so memory grows with the number of boxes, not
 * with the size of the file.
 *
 * <p>The reader checks the shape of the file (types, required fields, well-formed JSON) and throws a
 * {@link CocoFormatException} naming the file, the JSON path, line and column on the first violation. Whether the
 * content makes sense (ids that match, boxes inside their image) is {@link CocoValidator}'s job.
 */
public final class CocoJsonReader {
    /**
     * A repeated field inside one object is an error rather than "last one wins", so no value is silently lost.
     * The stream is not closed by the parser: whoever opened it closes it.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            // Correctly rounded like Double.parseDouble, several times faster: results files are mostly numbers.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private CocoJsonReader() {
    }

    /** Reads a COCO instances file from any Hadoop file system (file://, hdfs://, s3a://, or a local path). */
    public static CocoInstances readInstances(HadoopFiles files, Path path) throws IOException {
        try (InputStream in = files.open(path)) {
            return readInstances(in, path.toString());
        }
    }

    /**
     * Reads COCO instances JSON from a stream, which stays open. Required: top-level {@code images},
     * {@code annotations} and {@code categories}; per image {@code id, file_name, width, height}; per annotation
     * {@code id, image_id, category_id, bbox, area}; per category {@code id, name}. {@code iscrowd} defaults to 0
     * and {@code supercategory} to "", as pycocotools treats them.
     *
     * @param source the file's name, used in error messages
     */
    public static CocoInstances readInstances(InputStream in, String source) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            JsonCursor json = new JsonCursor(parser, source);
            try {
                return readInstances(json);
            } catch (JsonProcessingException e) {
                throw json.malformed(e);
            }
        }
    }

    /** Reads a COCO results file (a JSON array of {image_id, category_id, bbox, score}) from any Hadoop file system. */
    public static List<Detection> readResults(HadoopFiles files, Path path) throws IOException {
        try (InputStream in = files.open(path)) {
            return readResults(in, path.toString());
        }
    }

    /**
     * Reads COCO results JSON from a stream, which stays open. Fields other than the four required ones (some
     * tools add {@code id}, {@code area} or a segmentation) are skipped.
     *
     * @param source the file's name, used in error messages
     */
    public static List<Detection> readResults(InputStream in, String source) throws IOException {
        List<Detection> detections = new ArrayList<>();
        readResults(in, source, (imageId, categoryId, box, score) ->
                detections.add(new Detection(imageId, categoryId, new BBox(box[0], box[1], box[2], box[3]), score)));
        return detections;
    }

    /**
     * Reads COCO results JSON, handing each detection to {@code sink} as primitives: half a million detections
     * then cost no objects (evaluation reads them into arrays). The box array is reused between calls.
     */
    public static void readResults(InputStream in, String source, ResultSink sink) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            JsonCursor json = new JsonCursor(parser, source);
            try {
                double[] box = new double[4];
                json.forEachObject(() -> readDetection(json, box, sink));
                json.expectEndOfInput();
            } catch (JsonProcessingException e) {
                throw json.malformed(e);
            }
        }
    }

    /** Receives one detection of a results file. */
    @FunctionalInterface
    public interface ResultSink {
        void accept(long imageId, int categoryId, double[] box, double score);
    }

    private static CocoInstances readInstances(JsonCursor json) throws IOException {
        List<CocoImage> images = null;
        List<CocoAnnotation> annotations = null;
        List<CocoCategory> categories = null;
        json.startObject();
        while (json.nextField()) {
            switch (json.fieldName()) {
                case "images" -> images = json.listOfObjects(() -> readImage(json));
                case "annotations" -> annotations = json.listOfObjects(() -> readAnnotation(json));
                case "categories" -> categories = json.listOfObjects(() -> readCategory(json));
                default -> json.skipValue();
            }
        }
        CocoInstances instances = new CocoInstances(
                required(json, images, "images"), required(json, annotations, "annotations"),
                required(json, categories, "categories"));
        json.expectEndOfInput();
        return instances;
    }

    private static CocoImage readImage(JsonCursor json) throws IOException {
        Long id = null;
        String fileName = null;
        Integer width = null;
        Integer height = null;
        while (json.nextField()) {
            switch (json.fieldName()) {
                case "id" -> id = json.longValue();
                case "file_name" -> fileName = json.stringValue();
                case "width" -> width = json.intValue();
                case "height" -> height = json.intValue();
                default -> json.skipValue();
            }
        }
        return new CocoImage(required(json, id, "id"), required(json, fileName, "file_name"),
                required(json, width, "width"), required(json, height, "height"));
    }

    private static CocoAnnotation readAnnotation(JsonCursor json) throws IOException {
        Long id = null;
        Long imageId = null;
        Integer categoryId = null;
        BBox bbox = null;
        Double area = null;
        boolean crowd = false;
        while (json.nextField()) {
            switch (json.fieldName()) {
                case "id" -> id = json.longValue();
                case "image_id" -> imageId = json.longValue();
                case "category_id" -> categoryId = json.intValue();
                case "bbox" -> bbox = json.box();
                case "area" -> area = json.doubleValue();
                case "iscrowd" -> crowd = json.zeroOrOne();
                default -> json.skipValue();
            }
        }
        return new CocoAnnotation(required(json, id, "id"), required(json, imageId, "image_id"),
                required(json, categoryId, "category_id"), required(json, bbox, "bbox"),
                required(json, area, "area"), crowd);
    }

    private static CocoCategory readCategory(JsonCursor json) throws IOException {
        Integer id = null;
        String name = null;
        String supercategory = null;
        while (json.nextField()) {
            switch (json.fieldName()) {
                case "id" -> id = json.intValue();
                case "name" -> name = json.stringValue();
                case "supercategory" -> supercategory = json.nullableStringValue();
                default -> json.skipValue();
            }
        }
        return new CocoCategory(required(json, id, "id"), required(json, name, "name"), supercategory);
    }

    private static void readDetection(JsonCursor json, double[] box, ResultSink sink) throws IOException {
        long imageId = 0;
        int categoryId = 0;
        double score = 0;
        int seen = 0;
        while (json.nextField()) {
            switch (json.fieldName()) {
                case "image_id" -> {
                    imageId = json.longValue();
                    seen |= 1;
                }
                case "category_id" -> {
                    categoryId = json.intValue();
                    seen |= 2;
                }
                case "bbox" -> {
                    json.boxInto(box);
                    seen |= 4;
                }
                case "score" -> {
                    score = json.doubleValue();
                    seen |= 8;
                }
                default -> json.skipValue();
            }
        }
        if (seen != 15) {
            String[] names = {"image_id", "category_id", "bbox", "score"};
            for (int bit = 0; bit < 4; bit++) {
                if ((seen & (1 << bit)) == 0) {
                    throw json.missingField(names[bit]);
                }
            }
        }
        sink.accept(imageId, categoryId, box, score);
    }

    /** A field the object just read must have had; called with the cursor on the object's end. */
    private static <T> T required(JsonCursor json, T value, String field) throws CocoFormatException {
        if (value == null) {
            throw json.missingField(field);
        }
        return value;
    }
}
