package org.detsearch.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a {@code prepare} run wrote: counts, categories (COCO id, name, contiguous label), the validation
 * report, every skipped image with its reason, and the shard files. It is written last, atomically, so a
 * dataset folder with a manifest is complete and one without is an unfinished run.
 */
public record Manifest(
        int formatVersion,
        String createdAt,
        String annotations,
        String images,
        int maxSide,
        Counts counts,
        List<Category> categories,
        Map<String, Object> validation,
        Map<String, Long> skippedByKind,
        List<SkippedImage> skipped,
        List<Shard> shards) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";
    public static final String SHARDS_DIR = "shards";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public record Counts(long imagesInAnnotations, long imagesWritten, long imagesSkipped,
                         long annotationsWritten, long crowdWritten) {
    }

    public record Category(int id, String name, String supercategory, int label) {
    }

    /** One Parquet file, its path relative to the dataset folder. */
    public record Shard(String path, long images, long bytes) {
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    public void write(HadoopFiles files, Path datasetDir) throws IOException {
        files.writeAtomically(new Path(datasetDir, FILE_NAME), toJson());
    }

    /** Reads a dataset's manifest; a folder without one is an unfinished or foreign output. */
    public static Manifest read(HadoopFiles files, Path datasetDir) throws IOException {
        Path path = new Path(datasetDir, FILE_NAME);
        byte[] bytes;
        try {
            bytes = files.readAll(path);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no " + FILE_NAME + " in " + datasetDir
                    + ": not a prepared dataset, or its prepare run did not finish");
        }
        Manifest manifest = JSON.readValue(bytes, Manifest.class);
        if (manifest.formatVersion() != FORMAT_VERSION) {
            throw new IOException(path + " has format version " + manifest.formatVersion()
                    + "; this DetSearch reads version " + FORMAT_VERSION + ": run prepare again");
        }
        return manifest;
    }

    public List<Path> shardPaths(Path datasetDir) {
        return shards.stream().map(s -> new Path(datasetDir, s.path())).toList();
    }
}
