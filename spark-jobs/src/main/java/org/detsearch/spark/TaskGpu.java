package org.detsearch.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Binds ND4J, for the calling task thread, to the GPU Spark assigned the task. With
 * {@code spark.executor.resource.gpu.amount = N} and {@code spark.task.resource.gpu.amount = 1} an executor runs
 * N tasks at once and gives each its own GPU address ({@code TaskContext.resources()}); ND4J's CUDA backend would
 * otherwise put every thread of the executor on the device its affinity manager picks, so two tasks could share
 * one GPU and leave another idle. On the CPU backend, or in a task given no GPU, this does nothing.
 */
public final class TaskGpu {
    private static final Logger LOG = LoggerFactory.getLogger(TaskGpu.class);
    public static final String RESOURCE = "gpu";

    private TaskGpu() {
    }

    /** Binds this thread to its task's GPU, if it has one and ND4J runs on CUDA; returns the device bound. */
    public static OptionalInt bindCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return OptionalInt.empty();
        }
        Map<String, String[]> resources = new HashMap<>();
        scala.collection.Iterator<scala.Tuple2<String, ResourceInformation>> it = task.resources().iterator();
        while (it.hasNext()) {
            scala.Tuple2<String, ResourceInformation> entry = it.next();
            resources.put(entry._1(), entry._2().addresses());
        }
        OptionalInt device = deviceOf(resources, System.getenv("CUDA_VISIBLE_DEVICES"));
        if (device.isEmpty() || Nd4j.getEnvironment().isCPU()) {
            return OptionalInt.empty();
        }
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device.getAsInt() >= devices) {
            throw new IllegalStateException("Spark assigned GPU " + device.getAsInt() + " to task " + task.taskAttemptId()
                    + " but ND4J sees " + devices + " device(s); check CUDA_VISIBLE_DEVICES against the discovery script");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device.getAsInt());
        LOG.info("task {} (partition {}) bound to GPU {}", task.taskAttemptId(), task.partitionId(), device.getAsInt());
        return device;
    }

    /**
     * The CUDA device ordinal for a task's resources (name -> addresses): its first {@value #RESOURCE} address, since
     * a task trains on one device; empty when the task holds no GPU. Addresses are the ones the discovery script
     * reported, i.e. physical indices; when {@code CUDA_VISIBLE_DEVICES} narrows the devices (YARN, Kubernetes),
     * CUDA numbers the visible ones from 0 in that list's order, so the ordinal is the address's position in it.
     */
    public static OptionalInt deviceOf(Map<String, String[]> resources, String cudaVisibleDevices) {
        String[] addresses = resources.get(RESOURCE);
        if (addresses == null || addresses.length == 0) {
            return OptionalInt.empty();
        }
        if (addresses.length > 1) {
            LOG.warn("task holds {} GPUs {}; training uses only the first (set spark.task.resource.gpu.amount = 1)",
                    addresses.length, String.join(",", addresses));
        }
        String address = addresses[0].trim();
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            java.util.List<String> visible = java.util.Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
            int ordinal = visible.indexOf(address);
            if (ordinal < 0) {
                throw new IllegalArgumentException("GPU address \"" + address + "\" is not among CUDA_VISIBLE_DEVICES="
                        + cudaVisibleDevices + "; the discovery script and the visible devices disagree");
            }
            return OptionalInt.of(ordinal);
        }
        try {
            return OptionalInt.of(Integer.parseInt(address));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address \"" + address + "\" is not a device index; the GPU "
                    + "discovery script must report indices such as [\"0\", \"1\"]", e);
        }
    }
}
