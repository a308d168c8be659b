package org.detsearch.coco;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The read-only test data beside the project (../shared/data), which CI always has and a laptop may not. */
final class SharedTestData {
    private SharedTestData() {
    }

    /** coco128's instances.json; the calling test is skipped, saying why, when the data is not there. */
    static Path coco128Instances() {
        String root = System.getProperty("detsearch.shared.data");
        Assumptions.assumeTrue(root != null,
                "skipped: system property detsearch.shared.data is not set (surefire sets it to <project>/../shared/data)");
        Path file = Path.of(root, "coco128", "instances.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: shared test data not found at " + file);
        return file;
    }
}
