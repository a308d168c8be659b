package org.detsearch.coco;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only test data beside the project (../shared/data), which CI always has and a laptop may not.
 * Tests of every module use it (model-core's test jar carries this class).
 */
public final class SharedTestData {
    private SharedTestData() {
    }

    /** The shared data folder; the calling test is skipped, saying why, when it is not there. */
    public static Path root() {
        String root = System.getProperty("detsearch.shared.data");
        Assumptions.assumeTrue(root != null,
                "skipped: system property detsearch.shared.data is not set (surefire sets it to <project>/../shared/data)");
        Path dir = Path.of(root);
        Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: shared test data not found at " + dir);
        return dir;
    }

    /** coco128's instances.json (real COCO 2017 annotations of 128 train images). */
    public static Path coco128Instances() {
        Path file = root().resolve("coco128").resolve("instances.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: shared test data not found at " + file);
        return file;
    }

    /** coco128's folder of 128 real COCO photographs. */
    public static Path coco128Images() {
        Path dir = root().resolve("coco128").resolve("images");
        Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: shared test data not found at " + dir);
        return dir;
    }
}
