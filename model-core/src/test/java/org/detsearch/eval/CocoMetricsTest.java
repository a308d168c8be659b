package org.detsearch.eval;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The console summary, character for character as pycocotools' summarize() prints it. */
class CocoMetricsTest {
    @Test
    void tableRoundsLikePythonsFormat() {
        Map<String, Double> summary = new LinkedHashMap<>();
        double[] values = {0.5625, 0.2345, 0.0005, 1.0, -1.0, 0.3125, 0.15, 0.9999999999999998, 0.0, 0.1875, 0.4, 0.0625};
        for (int i = 0; i < CocoMetrics.KEYS.size(); i++) {
            summary.put(CocoMetrics.KEYS.get(i), values[i]);
        }
        // What Python prints for '{:0.3f}'.format(v): the exact binary value rounded, ties (0.5625, 0.3125, 0.1875,
        // 0.0625 are exact) to even; 0.2345 is 0.23449999... and 0.0005 is 0.000500000000000000010...
        assertEquals("""
                 Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.562
                 Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.234
                 Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.001
                 Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000
                 Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000
                 Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.312
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.150
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.000
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.188
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.400
                 Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.062
                """, new CocoMetrics(summary, null).table());
    }
}
