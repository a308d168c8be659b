package org.detsearch.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.detsearch.util.Progress;

/**
 * Console progress of a Spark stage ("prepare: 7/12 shards (58%), 0:41 elapsed, ETA 0:29"), fed by task-end
 * events on the driver. Only stages whose description starts with the given job label are reported.
 */
public final class StageProgress extends SparkListener {
    private final String label;
    private final String unit;
    private volatile Progress progress;
    private volatile int stageId = -1;

    public StageProgress(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        String description = event.properties() == null ? null : event.properties().getProperty("spark.job.description");
        if (description != null && description.startsWith(label)) {
            stageId = event.stageInfo().stageId();
            progress = new Progress(label, unit, event.stageInfo().numTasks());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Progress p = progress;
        if (p != null && event.stageId() == stageId && event.taskInfo().successful()) {
            p.advance(1);
        }
    }
}
