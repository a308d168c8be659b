package org.detsearch.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes COCO instances (ground truth) and COCO results (detections) JSON with a streaming generator, so
 * writing a large file needs no more memory than the records themselves. Numbers are written exactly
 * (shortest round-trip form), and integral coordinates as integers, as COCO's own files have them.
 */
public final class CocoJsonWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private CocoJsonWriter() {
    }

    /**
     * Ground truth in COCO instances format. A non-crowd annotation gets its box as a one-polygon segmentation
     * and a crowd annotation an uncompressed RLE of its box, so tools that expect a segmentation accept the file.
     */
    public static void writeGroundTruth(CocoDataset dataset, Map<String, String> info, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            for (Map.Entry<String, String> entry : info.entrySet()) {
                g.writeStringField(entry.getKey(), entry.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("images");
            for (CocoImage image : dataset.images()) {
                g.writeStartObject();
                g.writeNumberField("id", image.id());
                g.writeStringField("file_name", image.fileName());
                g.writeNumberField("width", image.width());
                g.writeNumberField("height", image.height());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            for (CocoAnnotation annotation : dataset.annotations()) {
                writeAnnotation(g, annotation, dataset.image(annotation.imageId()));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (CocoCategory category : dataset.categories()) {
                g.writeStartObject();
                g.writeNumberField("id", category.id());
                g.writeStringField("name", category.name());
                g.writeStringField("supercategory", category.supercategory());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Detections in COCO results format: a JSON array of {image_id, category_id, bbox, score}. */
    public static void writeResults(Iterable<Detection> detections, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (Detection detection : detections) {
                g.writeStartObject();
                g.writeNumberField("image_id", detection.imageId());
                g.writeNumberField("category_id", detection.categoryId());
                writeBox(g, "bbox", detection.bbox());
                writeNumber(g, "score", detection.score());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    private static void writeAnnotation(JsonGenerator g, CocoAnnotation a, CocoImage image) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", a.id());
        g.writeNumberField("image_id", a.imageId());
        g.writeNumberField("category_id", a.categoryId());
        writeBox(g, "bbox", a.bbox());
        writeNumber(g, "area", a.area());
        g.writeNumberField("iscrowd", a.crowd() ? 1 : 0);
        if (a.crowd() && image != null) {
            writeBoxRle(g, a.bbox(), image);
        } else {
            BBox b = a.bbox();
            g.writeArrayFieldStart("segmentation");
            g.writeStartArray();
            for (double v : new double[] {b.x(), b.y(), b.maxX(), b.y(), b.maxX(), b.maxY(), b.x(), b.maxY()}) {
                writeNumber(g, v);
            }
            g.writeEndArray();
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * Uncompressed COCO RLE of the box's pixels: column-major runs alternating background and foreground,
     * starting with background, over an image of {@code height} rows.
     */
    private static void writeBoxRle(JsonGenerator g, BBox box, CocoImage image) throws IOException {
        int h = image.height();
        int w = image.width();
        int x0 = (int) Math.max(0, Math.round(box.x()));
        int x1 = (int) Math.min(w, Math.round(box.maxX()));
        int y0 = (int) Math.max(0, Math.round(box.y()));
        int y1 = (int) Math.min(h, Math.round(box.maxY()));
        g.writeObjectFieldStart("segmentation");
        g.writeArrayFieldStart("counts");
        if (x1 <= x0 || y1 <= y0) {
            g.writeNumber((long) w * h);
        } else {
            long background = (long) x0 * h + y0;
            for (int x = x0; x < x1; x++) {
                g.writeNumber(background);
                g.writeNumber(y1 - y0);
                background = (h - y1) + y0;
            }
            g.writeNumber((long) (h - y1) + (long) (w - x1) * h);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("size");
        g.writeNumber(h);
        g.writeNumber(w);
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeBox(JsonGenerator g, String field, BBox b) throws IOException {
        g.writeArrayFieldStart(field);
        writeNumber(g, b.x());
        writeNumber(g, b.y());
        writeNumber(g, b.width());
        writeNumber(g, b.height());
        g.writeEndArray();
    }

    private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        writeNumber(g, v);
    }

    private static void writeNumber(JsonGenerator g, double v) throws IOException {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("COCO JSON cannot hold the non-finite number " + v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }
}
