package org.detsearch.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Executors that cannot start would be relaunched forever: start() must fail, soon, and say why. */
class LocalClusterSparkStartFailureTest {
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void executorsThatDieAtLaunchFailTheStartWithTheirOutput() {
        long t0 = System.nanoTime();
        // a valid option the executor JVM refuses at launch (Spark itself rejects -Xmx in extraJavaOptions)
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalClusterSpark.start(2, 1024, Map.of("spark.executor.extraJavaOptions", "-Xss1k")));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(e.getMessage().contains("executors die at launch"), e.getMessage());
        assertTrue(e.getMessage().contains("thread stack size specified is too small"), e.getMessage());
        assertTrue(seconds < 60, "failed after " + seconds + " s, well before the 2 minute limit");
        // the failed Spark was stopped: another one can start, at once, though its application id is likely the
        // same (ids count per master, by the second) and the dead executors' folders are still there
        try (LocalClusterSpark next = LocalClusterSpark.start(1, 1024)) {
            assertEquals(3, next.jsc().parallelize(List.of(1, 2, 3)).count());
        }
    }
}
