package org.detsearch.evaluation;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.coco.CocoCategory;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.DetectorSpec;
import org.detsearch.spark.TaskGpu;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A detector shipped to the executors once: its DL4J zip (without updater state) as a broadcast, plus the spec
 * and categories that make it usable there. Tasks call {@link #restore()}; the driver calls {@link #destroy()}
 * when the job is done.
 */
public final class BroadcastDetector implements Serializable {
    private final Broadcast<byte[]> zip;
    private final DetectorSpec spec;
    private final List<CocoCategory> categories;

    public BroadcastDetector(JavaSparkContext jsc, DetectorModel model) {
        this.zip = jsc.broadcast(zipOf(model));
        this.spec = model.spec();
        this.categories = model.categories();
    }

    /**
     * A fresh copy of the model in this JVM (one per task: DL4J networks are not thread-safe), on the GPU Spark
     * assigned the calling task when there is one.
     */
    public DetectorModel restore() throws IOException {
        TaskGpu.bindCurrentTask();
        return new DetectorModel(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip.value()), false),
                spec, categories);
    }

    public void destroy() {
        zip.destroy();
    }

    private static byte[] zipOf(DetectorModel model) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(model.net(), out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
