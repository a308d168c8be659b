package org.detsearch.train;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.detsearch.spark.TaskGpu;

import java.util.Collection;

/**
 * DL4J's parameter-averaging master with workers that keep the network's iteration and epoch counts. In
 * dl4j-spark 1.0.0-M2 a worker builds its network from {@code ComputationGraphConfiguration.clone()}, which drops
 * both counts: every split then trains at iteration 0, so a learning-rate schedule never leaves its first value
 * on Spark while the driver's count moves on. The worker here copies the counts from the broadcast
 * configuration. (SparkDetectorTrainingTest shows Spark and the single-JVM loop agree with a schedule.) It also
 * binds each training task to the GPU Spark assigned it ({@link TaskGpu}), and tells the driver of every averaged
 * round.
 */
final class IterationKeepingTrainingMaster extends ParameterAveragingTrainingMaster {
    /** Told of the driver's network after every averaging round (the moving average of the weights follows it). */
    interface RoundListener {
        void averaged(ComputationGraph net);
    }

    private final transient RoundListener roundListener;

    IterationKeepingTrainingMaster(ParameterAveragingTrainingMaster.Builder builder, RoundListener roundListener) {
        super(builder);
        this.roundListener = roundListener;
    }

    @Override
    protected void doIteration(SparkComputationGraph graph, org.apache.spark.api.java.JavaRDD<org.nd4j.linalg.dataset.api.MultiDataSet> split,
                               int splitNum, int numSplits) {
        super.doIteration(graph, split, splitNum, numSplits);
        if (roundListener != null) {
            roundListener.averaged(graph.getNetwork());
        }
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph net = graph.getNetwork();
        NetBroadcastTuple tuple = new NetBroadcastTuple(net.getConfiguration(), net.params(), net.getUpdater().getStateViewArray());
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(tuple);
        WorkerConfiguration configuration = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                averagingFrequency, prefetchNumBatches, collectTrainingStats);
        return new Worker(broadcast, saveUpdater, configuration, trainingHookList, listeners, getRouterProvider());
    }

    static final class Worker extends ParameterAveragingTrainingWorker {
        private final Broadcast<NetBroadcastTuple> broadcast;

        Worker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater, WorkerConfiguration configuration,
               Collection<TrainingHook> hooks, Collection<TrainingListener> listeners, StatsStorageRouterProvider router) {
            super(broadcast, saveUpdater, configuration, hooks, listeners, router);
            this.broadcast = broadcast;
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            // before the network's arrays are made: they live on the device of the thread that creates them
            TaskGpu.bindCurrentTask();
            ComputationGraph net = super.getInitialModelGraph();
            ComputationGraphConfiguration sent = broadcast.getValue().getGraphConfiguration();
            net.getConfiguration().setIterationCount(sent.getIterationCount());
            net.getConfiguration().setEpochCount(sent.getEpochCount());
            return net;
        }
    }
}
