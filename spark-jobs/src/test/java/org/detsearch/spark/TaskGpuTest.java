package org.detsearch.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.detsearch.testing.LocalSpark;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskGpuTest {
    @Test
    void theFirstGpuAddressOfTheTaskIsItsDevice() {
        assertEquals(OptionalInt.of(3), TaskGpu.deviceOf(Map.of("gpu", new String[] {"3"}), null));
        assertEquals(OptionalInt.of(1), TaskGpu.deviceOf(Map.of("gpu", new String[] {" 1", "2"}), ""));
        assertEquals(OptionalInt.empty(), TaskGpu.deviceOf(Map.of("fpga", new String[] {"0"}), null));
        assertEquals(OptionalInt.empty(), TaskGpu.deviceOf(Map.of("gpu", new String[0]), null));
    }

    @Test
    void underCudaVisibleDevicesTheOrdinalIsThePositionInThatList() {
        // YARN gave this container physical GPUs 2 and 3: CUDA calls them 0 and 1
        assertEquals(OptionalInt.of(0), TaskGpu.deviceOf(Map.of("gpu", new String[] {"2"}), "2,3"));
        assertEquals(OptionalInt.of(1), TaskGpu.deviceOf(Map.of("gpu", new String[] {"3"}), "2, 3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskGpu.deviceOf(Map.of("gpu", new String[] {"0"}), "2,3"));
        assertTrue(e.getMessage().contains("\"0\" is not among CUDA_VISIBLE_DEVICES=2,3"), e.getMessage());
    }

    @Test
    void anAddressThatIsNotAnIndexIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskGpu.deviceOf(Map.of("gpu", new String[] {"GPU-5f1c"}), null));
        assertTrue(e.getMessage().contains("\"GPU-5f1c\" is not a device index"), e.getMessage());
    }

    @Test
    void outsideATaskAndInTasksWithoutGpusNothingIsBound() {
        assertEquals(OptionalInt.empty(), TaskGpu.bindCurrentTask(), "the driver thread is no task");
        try (LocalSpark spark = LocalSpark.start()) {
            List<Boolean> bound = JavaSparkContext.fromSparkContext(spark.session().sparkContext())
                    .parallelize(List.of(1, 2, 3, 4), 2).map(i -> TaskGpu.bindCurrentTask().isPresent()).collect();
            assertEquals(List.of(false, false, false, false), bound);
        }
    }
}
