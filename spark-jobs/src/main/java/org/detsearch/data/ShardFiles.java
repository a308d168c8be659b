package org.detsearch.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.io.HadoopFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A prepared dataset's shards read in one JVM, without Spark: what a sweep trial, which trains inside a single Spark
 * task, uses to read its own images straight from the dataset folder (any Hadoop FS). Reads stop as soon as enough
 * images are in, so a proxy training on a few hundred COCO images reads a few shards, not the dataset.
 */
public final class ShardFiles {
    private final HadoopFiles files;

    public ShardFiles(HadoopFiles files) {
        this.files = files;
    }

    /**
     * The first {@code limit} images (all with {@code limit <= 0}) in shard order: the manifest's, or a
     * permutation of it by {@code shardSeed} when it is not null (a subset spread over the dataset, the same for
     * every reader with that seed). A smaller limit gives a prefix of a larger one's images.
     */
    public List<LoadedImage> read(Path dataset, Manifest manifest, Long shardSeed, long limit) throws IOException {
        List<LoadedImage> images = new ArrayList<>();
        scan(order(dataset, manifest, shardSeed), files.conf(), limit, row -> images.add(image(row)));
        return images;
    }

    /** Which images {@link #read} would give, by id, and the shards holding them. */
    public record Selection(List<Path> shards, Set<Long> imageIds) implements java.io.Serializable {
    }

    /** The selection of {@link #read} with the same arguments, reading only the image ids (a small column). */
    public Selection select(Path dataset, Manifest manifest, Long shardSeed, long limit) throws IOException {
        Configuration idsOnly = new Configuration(files.conf());
        idsOnly.set(ReadSupport.PARQUET_READ_SCHEMA, "message ids { required int64 image_id; }");
        Set<Long> ids = new LinkedHashSet<>();
        List<Path> used = scan(order(dataset, manifest, shardSeed), idsOnly, limit, row -> ids.add(row.getLong("image_id", 0)));
        return new Selection(used, ids);
    }

    private static List<Path> order(Path dataset, Manifest manifest, Long shardSeed) {
        List<Path> shards = new ArrayList<>(manifest.shardPaths(dataset));
        if (shardSeed != null) {
            Collections.shuffle(shards, new Random(shardSeed));
        }
        return shards;
    }

    /** Feeds the first {@code limit} rows of the shards, in order, to {@code sink}; returns the shards opened. */
    private static List<Path> scan(List<Path> shards, Configuration conf, long limit, Consumer<Group> sink) throws IOException {
        List<Path> opened = new ArrayList<>();
        long rows = 0;
        for (Path shard : shards) {
            if (limit > 0 && rows >= limit) {
                break;
            }
            opened.add(shard);
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), shard).withConf(conf).build()) {
                Group row;
                while ((limit <= 0 || rows < limit) && (row = reader.read()) != null) {
                    sink.accept(row);
                    rows++;
                }
            } catch (RuntimeException e) {
                throw new IOException("cannot read shard " + shard + ": " + e.getMessage(), e);
            }
        }
        return opened;
    }

    static LoadedImage image(Group row) {
        ImageAnnotations a = new ImageAnnotations(row.getLong("image_id", 0), row.getString("file_name", 0),
                row.getInteger("width", 0), row.getInteger("height", 0), floats(row, "boxes"), ints(row, "category_ids"),
                ints(row, "labels"), booleans(row, "crowd"));
        return new LoadedImage(a, row.getBinary("image", 0).getBytes());
    }

    /** Spark writes arrays as Parquet's three-level lists: {@code field (LIST) { repeated group list { element } }}. */
    private static List<Group> elements(Group row, String field) {
        Group list = row.getGroup(field, 0);
        String repeated = list.getType().getFieldName(0);
        int n = list.getFieldRepetitionCount(repeated);
        List<Group> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(list.getGroup(repeated, i));
        }
        return out;
    }

    private static float[] floats(Group row, String field) {
        List<Group> e = elements(row, field);
        float[] out = new float[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = e.get(i).getFloat(0, 0);
        }
        return out;
    }

    private static int[] ints(Group row, String field) {
        List<Group> e = elements(row, field);
        int[] out = new int[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = e.get(i).getInteger(0, 0);
        }
        return out;
    }

    private static boolean[] booleans(Group row, String field) {
        List<Group> e = elements(row, field);
        boolean[] out = new boolean[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = e.get(i).getBoolean(0, 0);
        }
        return out;
    }
}
