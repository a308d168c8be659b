package org.detsearch.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures the smallest heap with which {@link CocoJsonReader} reads a COCO instances file the size of
 * train2017 (118,287 images, 860,001 annotations with polygon segmentations, about 450 MB), and how long it takes.
 * It generates such a file (seeded, so every run reads the same bytes), reads it in a child JVM per heap size, and
 * deletes the file at the end.
 *
 * <pre>
 * java -cp &lt;model-core test classpath&gt; org.detsearch.coco.CocoReaderMemoryBenchmark [scratch-dir] [heap ...]
 * </pre>
 */
public final class CocoReaderMemoryBenchmark {
    private static final int IMAGES = 118_287;
    private static final int ANNOTATIONS = 860_001;
    /** train2017 has about 1% crowd regions, stored as uncompressed RLE. */
    private static final double CROWD_FRACTION = 0.01;
    /** COCO's 80 category ids: 1..90 without these. */
    private static final List<Integer> CATEGORY_GAPS = List.of(12, 26, 29, 30, 45, 66, 68, 69, 71, 83);
    private static final List<String> DEFAULT_HEAPS = List.of("96m", "112m", "128m", "160m", "192m", "256m", "384m", "512m", "768m", "1g");
    private static final long CHILD_TIMEOUT_SECONDS = 600;

    private CocoReaderMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--child")) {
            readOnce(Path.of(args[1]), args[2].equals("validate"));
            return;
        }
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        List<String> heaps = args.length > 1 ? List.of(args).subList(1, args.length) : DEFAULT_HEAPS;
        Path file = Files.createTempFile(dir, "train2017-sized-", ".json");
        try {
            long start = System.nanoTime();
            generate(file, new Random(2017));
            System.out.printf("generated %s: %.1f MB in %.1f s%n", file, Files.size(file) / 1e6, seconds(start));
            for (String mode : List.of("read", "validate")) {
                for (String heap : heaps) {
                    System.out.printf("%-8s -Xmx%-5s %s%n", mode, heap, runChild(file, heap, mode));
                }
            }
        } finally {
            Files.deleteIfExists(file);
            System.out.println("deleted " + file);
        }
    }

    /** One measurement in a fresh JVM, so that each heap limit is real and no earlier run's garbage counts. */
    private static String runChild(Path file, String heap, String mode) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                CocoReaderMemoryBenchmark.class.getName(), "--child", file.toString(), mode)
                .redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = child.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            return "FAILED: timed out";
        }
        String text = new String(output).strip();
        if (child.exitValue() == 0) {
            return text;
        }
        return "FAILED: " + (text.contains("OutOfMemoryError") ? "OutOfMemoryError" : text.lines().findFirst().orElse("exit " + child.exitValue()));
    }

    /** In the child JVM: reads (and, in "validate" mode, validates) the file and prints time and heap figures. */
    private static void readOnce(Path file, boolean validate) throws IOException {
        long start = System.nanoTime();
        CocoInstances instances;
        try (InputStream in = Files.newInputStream(file)) {
            instances = CocoJsonReader.readInstances(in, file.getFileName().toString());
        }
        double readSeconds = seconds(start);
        Object kept = instances;
        String counts = instances.images().size() + " images, " + instances.annotations().size() + " annotations";
        if (validate) {
            ValidatedDataset validated = new CocoValidator(ValidationPolicy.DEFAULT).validate(instances);
            instances = null;
            kept = validated.dataset();
            counts += ", " + validated.report().total() + " problems";
        }
        double totalSeconds = seconds(start);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long retained = memory.getHeapMemoryUsage().getUsed();
        System.out.printf("ok: %s; read %.1f s, total %.1f s; %.0f MB retained after GC (%s)%n", counts, readSeconds,
                totalSeconds, retained / 1e6, kept.getClass().getSimpleName());
    }

    /**
     * A file shaped like train2017: the same top-level sections and per-item fields, polygons of 6 to 44 points
     * with two decimals (about 390 bytes of segmentation per annotation, as in the real file), and crowd regions
     * as uncompressed RLE.
     */
    static void generate(Path file, Random random) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "train2017-sized synthetic COCO instances (CocoReaderMemoryBenchmark)");
            g.writeNumberField("year", 2017);
            g.writeEndObject();
            g.writeArrayFieldStart("licenses");
            for (int id = 1; id <= 8; id++) {
                g.writeStartObject();
                g.writeStringField("url", "http://creativecommons.org/licenses/" + id);
                g.writeNumberField("id", id);
                g.writeStringField("name", "License " + id);
                g.writeEndObject();
            }
            g.writeEndArray();
            long[] imageIds = new long[IMAGES];
            int[][] sizes = new int[IMAGES][];
            g.writeArrayFieldStart("images");
            for (int i = 0; i < IMAGES; i++) {
                imageIds[i] = 4L * i + 1 + random.nextInt(4);
                sizes[i] = new int[] {320 + random.nextInt(321), 240 + random.nextInt(401)};
                String name = String.format("%012d.jpg", imageIds[i]);
                g.writeStartObject();
                g.writeNumberField("license", 1 + random.nextInt(8));
                g.writeStringField("file_name", name);
                g.writeStringField("coco_url", "http://images.cocodataset.org/train2017/" + name);
                g.writeNumberField("height", sizes[i][1]);
                g.writeNumberField("width", sizes[i][0]);
                g.writeStringField("date_captured", "2013-11-14 16:28:13");
                g.writeStringField("flickr_url", "http://farm4.staticflickr.com/3153/" + imageIds[i] + "_2a3b4c5d6e_z.jpg");
                g.writeNumberField("id", imageIds[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
            List<Integer> categoryIds = new ArrayList<>();
            for (int id = 1; id <= 90; id++) {
                if (!CATEGORY_GAPS.contains(id)) {
                    categoryIds.add(id);
                }
            }
            g.writeArrayFieldStart("annotations");
            for (int a = 0; a < ANNOTATIONS; a++) {
                int image = random.nextInt(IMAGES);
                writeAnnotation(g, random, a + 1L, imageIds[image], sizes[image],
                        categoryIds.get(random.nextInt(categoryIds.size())), random.nextDouble() < CROWD_FRACTION);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int id : categoryIds) {
                g.writeStartObject();
                g.writeStringField("supercategory", "thing");
                g.writeNumberField("id", id);
                g.writeStringField("name", "category " + id);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeAnnotation(JsonGenerator g, Random random, long id, long imageId, int[] size,
                                        int categoryId, boolean crowd) throws IOException {
        int width = size[0];
        int height = size[1];
        double w = 1 + random.nextDouble() * (width - 1);
        double h = 1 + random.nextDouble() * (height - 1);
        double x = random.nextDouble() * (width - w);
        double y = random.nextDouble() * (height - h);
        g.writeStartObject();
        g.writeFieldName("segmentation");
        if (crowd) {
            g.writeStartObject();
            g.writeArrayFieldStart("counts");
            for (int run = 0, runs = 100 + random.nextInt(400); run < runs; run++) {
                g.writeNumber(random.nextInt(2000));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("size");
            g.writeNumber(height);
            g.writeNumber(width);
            g.writeEndArray();
            g.writeEndObject();
        } else {
            g.writeStartArray();
            g.writeStartArray();
            for (int point = 0, points = 6 + random.nextInt(39); point < points; point++) {
                g.writeNumber(twoDecimals(x + random.nextDouble() * w));
                g.writeNumber(twoDecimals(y + random.nextDouble() * h));
            }
            g.writeEndArray();
            g.writeEndArray();
        }
        g.writeNumberField("area", twoDecimals(w * h * (0.4 + 0.5 * random.nextDouble())));
        g.writeNumberField("iscrowd", crowd ? 1 : 0);
        g.writeNumberField("image_id", imageId);
        g.writeArrayFieldStart("bbox");
        g.writeNumber(twoDecimals(x));
        g.writeNumber(twoDecimals(y));
        g.writeNumber(twoDecimals(w));
        g.writeNumber(twoDecimals(h));
        g.writeEndArray();
        g.writeNumberField("category_id", categoryId);
        g.writeNumberField("id", crowd ? 900_100_000_000L + id : id);
        g.writeEndObject();
    }

    private static double twoDecimals(double v) {
        return Math.floor(v * 100) / 100;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
