package org.detsearch.model;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.LabelMap;
import org.detsearch.io.HadoopFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A detector as a file: DL4J's model zip (configuration, parameters, optionally the updater state) plus what is
 * needed to use it without its training config: the {@link DetectorSpec} (input size, anchors) and the dataset's
 * categories (labels back to COCO ids and names). Checkpoints add their training position as further entries.
 * Files live on any Hadoop path; DL4J reads and writes zips as local files, so a local copy goes in between.
 */
public record DetectorModel(ComputationGraph net, DetectorSpec spec, List<CocoCategory> categories) {
    private static final String INFO_KEY = "detsearch-detector";

    private record Info(DetectorSpec spec, List<CocoCategory> categories) implements Serializable {
    }

    public DetectorModel {
        categories = List.copyOf(categories);
        if (categories.size() != spec.numClasses()) {
            throw new IllegalArgumentException(categories.size() + " categories for a detector of " + spec.numClasses() + " classes");
        }
    }

    public LabelMap labels() {
        return new LabelMap(categories);
    }

    /** Writes the model (with its updater state when {@code withUpdater}) and {@code extras}, atomically. */
    public void save(HadoopFiles files, Path target, boolean withUpdater, Map<String, ? extends Serializable> extras) throws IOException {
        java.nio.file.Path local = Files.createTempFile("detsearch-model", ".zip");
        try {
            ModelSerializer.writeModel(net, local.toFile(), withUpdater);
            ModelSerializer.addObjectToFile(local.toFile(), INFO_KEY, new Info(spec, categories));
            for (Map.Entry<String, ? extends Serializable> extra : extras.entrySet()) {
                ModelSerializer.addObjectToFile(local.toFile(), extra.getKey(), extra.getValue());
            }
            files.writeAtomically(target, out -> Files.copy(local, out));
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /** A saved model; {@code extras} receives the entries named by its keys (null where absent). */
    public static DetectorModel load(HadoopFiles files, Path source, boolean withUpdater, Map<String, Object> extras) throws IOException {
        java.nio.file.Path local = Files.createTempFile("detsearch-model", ".zip");
        try {
            try (InputStream in = files.open(source)) {
                Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
            }
            Info info;
            try {
                info = ModelSerializer.getObjectFromFile(local.toFile(), INFO_KEY);
            } catch (RuntimeException e) {
                throw new IOException(source + " is not a DetSearch detector (no " + INFO_KEY + " entry)", e);
            }
            ComputationGraph net = ModelSerializer.restoreComputationGraph(local.toFile(), withUpdater);
            if (extras != null) {
                for (String key : List.copyOf(extras.keySet())) {
                    extras.put(key, readOptional(local, key));
                }
            }
            return new DetectorModel(net, info.spec(), info.categories());
        } finally {
            Files.deleteIfExists(local);
        }
    }

    private static Object readOptional(java.nio.file.Path zip, String key) throws IOException {
        try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
            return file.getEntry("objects/" + key) == null ? null : ModelSerializer.getObjectFromFile(zip.toFile(), key);
        }
    }
}
