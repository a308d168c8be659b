package org.detsearch.nats;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.util.ModelSerializer;
import org.detsearch.nn.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DoublePrecision.class)
class BiLevelTrainingTest {
    private static final String ALPHA = "search_alpha";

    /**
     * conv -> BN -> ReLU -> searched conv -> BN -> loss, weights by SGD with Nesterov momentum and a decoupled weight
     * decay that is not scaled by the learning rate (the kind that would shrink weights on architecture steps too).
     */
    private static ComputationGraphConfiguration network() {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5).updater(new Nesterovs(0.05, 0.9))
                .weightDecay(1e-3, false).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).activation(Activation.IDENTITY)
                        .convolutionMode(ConvolutionMode.Truncate).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("search", new DilationSearchConvolution("search", 4, 1, 1, true, SearchSpace.parse("1", "2", "1x3"), 2,
                        KernelSharing.COPIED), "relu")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "search")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "bn2")
                .setOutputs("loss").build();
    }

    private static ComputationGraph searchNet(int freezeIterations) {
        ComputationGraph net = new ComputationGraph(BiLevelTraining.prepare(network(), new BiLevelSchedule(freezeIterations)));
        net.init();
        return net;
    }

    private static MultiDataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new MultiDataSet(Nd4j.rand(DataType.DOUBLE, 2, 3, 8, 8), Nd4j.rand(DataType.DOUBLE, 2, 4, 8, 8));
    }

    private static Map<String, INDArray> snapshot(ComputationGraph net) {
        Map<String, INDArray> copy = new HashMap<>();
        net.paramTable().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    /** The updater state of each parameter: the updater blocks' state views, by "layer_param". */
    private static Map<String, Map<String, INDArray>> updaterState(ComputationGraph net) {
        Map<String, Map<String, INDArray>> states = new HashMap<>();
        for (UpdaterBlock block : net.getUpdater().getUpdaterBlocks()) {
            Map<String, INDArray> state = new HashMap<>();
            Map<String, INDArray> raw = block.getGradientUpdater().getState();
            if (raw != null) {
                raw.forEach((k, v) -> state.put(k, v.dup()));
            }
            for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
                states.put(p.getLayer().getConfig().getLayerName() + "_" + p.getParamName(), state);
            }
        }
        return states;
    }

    @Test
    void weightStepsLeaveTheArchitectureAloneAndArchitectureStepsTheWeights() {
        ComputationGraph net = searchNet(0);
        Map<String, INDArray> before = snapshot(net);
        net.fit(batch(1)); // iteration 0: a weight step (on split A)
        Map<String, INDArray> afterWeights = snapshot(net);
        assertEquals(before.get(ALPHA), afterWeights.get(ALPHA), "a weight step leaves alpha unchanged");
        // (the searched convolution's bias sits before a batch norm, which cancels it: its gradient is 0)
        for (String moved : new String[] {"stem_W", "search_W", "bn_gamma", "bn_mean", "bn2_mean"}) {
            assertNotEquals(before.get(moved), afterWeights.get(moved), moved + " moves on a weight step");
        }
        Map<String, Map<String, INDArray>> stateAfterWeights = updaterState(net);
        assertEquals(0, stateAfterWeights.get(ALPHA).get("M").sumNumber().doubleValue(), "alpha's Adam moments untouched");

        net.fit(batch(2)); // iteration 1: an architecture step (on split B)
        Map<String, INDArray> afterArchitecture = snapshot(net);
        assertNotEquals(afterWeights.get(ALPHA), afterArchitecture.get(ALPHA), "an architecture step moves alpha");
        for (Map.Entry<String, INDArray> p : afterWeights.entrySet()) {
            if (!p.getKey().equals(ALPHA)) {
                assertEquals(p.getValue(), afterArchitecture.get(p.getKey()),
                        p.getKey() + " (weights, biases, batch-norm statistics) unchanged by an architecture step");
            }
        }
        Map<String, Map<String, INDArray>> stateAfterArchitecture = updaterState(net);
        assertEquals(stateAfterWeights.get("stem_W"), stateAfterArchitecture.get("stem_W"), "momentum untouched");
        assertEquals(0, net.getUpdater().getUpdaterBlocks().stream().filter(b -> b.getLayersAndVariablesInBlock().stream()
                .anyMatch(p -> p.getParamName().equals("alpha")) && b.getLayersAndVariablesInBlock().size() > 1).count(),
                "alpha has an updater block of its own");
    }

    /**
     * Alpha's Adam, run by hand on the gradients of the architecture steps only (DL4J's summed gradient divided by
     * the minibatch size, with L2 1e-5 added as PyTorch's Adam weight decay does, and Adam's own step count 0, 1,
     * ...), ends where the network's alpha and moments are.
     */
    @Test
    void alphasAdamMomentsSeeOnlyArchitectureStepGradients() {
        ComputationGraph net = searchNet(2);
        Adam adam = new Adam(0.01, 0.5, 0.999, 1e-8);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, adam.stateSize(net.getParam(ALPHA).length()));
        GradientUpdater<?> reference = adam.instantiate(state, true);
        reference.setStateViewArray(state, net.getParam(ALPHA).shape(), 'c', true);
        INDArray alpha = net.getParam(ALPHA).dup();
        int architectureSteps = 0;
        for (int i = 0; i < 7; i++) {
            MultiDataSet batch = batch(10 + i);
            if (new BiLevelSchedule(2).phase(i) == Phase.ARCHITECTURE) {
                net.setInputs(batch.getFeatures());
                net.setLabels(batch.getLabels());
                net.computeGradientAndScore();
                INDArray gradient = net.gradient().getGradientFor(ALPHA).div(2).addi(alpha.mul(1e-5));
                reference.applyUpdater(gradient, architectureSteps++, 0);
                alpha.subi(gradient);
            }
            net.fit(batch);
        }
        assertEquals(2, architectureSteps, "iterations 0, 1 frozen; then W A W A W");
        assertTrue(alpha.equalsWithEps(net.getParam(ALPHA), 1e-12), alpha + " vs " + net.getParam(ALPHA));
        Map<String, INDArray> moments = updaterState(net).get(ALPHA);
        assertTrue(reference.getState().get("M").equalsWithEps(moments.get("M").reshape(alpha.shape()), 1e-12));
        assertTrue(reference.getState().get("V").equalsWithEps(moments.get("V").reshape(alpha.shape()), 1e-12));
    }

    @Test
    void alphaIsFrozenForTheFirstIterations() {
        ComputationGraph net = searchNet(3);
        INDArray alpha = net.getParam(ALPHA).dup();
        for (int i = 0; i < 4; i++) {
            net.fit(batch(20 + i)); // iterations 0-2 frozen, 3 a weight step
        }
        assertEquals(alpha, net.getParam(ALPHA));
        net.fit(batch(30)); // iteration 4: the first architecture step
        assertNotEquals(alpha, net.getParam(ALPHA));
    }

    /**
     * Two parameter-averaging workers as spark-jobs' IterationKeepingTrainingMaster makes them (a clone of the
     * broadcast configuration with the master's iteration count, the parameters and the updater state), each fitting
     * its own A and B minibatch: each worker's alpha moves on its B step only, and the average of the workers is the
     * master's next state (the Spark run itself is the lead's test).
     */
    @Test
    void workersAlternateFromTheMastersIterationCountAndAverage() {
        ComputationGraph master = searchNet(2);
        master.getConfiguration().setIterationCount(4); // after two averaging rounds of 2: the next step is a weight step
        INDArray params = master.params().dup();
        INDArray updater = master.getUpdater().getStateViewArray().dup();
        INDArray alphaSum = null;
        INDArray paramSum = null;
        for (int w = 0; w < 2; w++) {
            ComputationGraph worker = new ComputationGraph(master.getConfiguration().clone());
            // DL4J's own worker loses the count in clone(); the project's IterationKeepingTrainingMaster keeps it
            worker.getConfiguration().setIterationCount(master.getConfiguration().getIterationCount());
            worker.init(params.dup(), false);
            worker.setUpdater(new ComputationGraphUpdater(worker, updater.dup()));
            INDArray alpha = worker.getParam(ALPHA).dup();
            worker.fit(batch(40 + w)); // iteration 4: weights, split A
            assertEquals(alpha, worker.getParam(ALPHA), "worker " + w + ": A step");
            worker.fit(batch(50 + w)); // iteration 5: architecture, split B
            assertNotEquals(alpha, worker.getParam(ALPHA), "worker " + w + ": B step");
            alphaSum = alphaSum == null ? worker.getParam(ALPHA).dup() : alphaSum.addi(worker.getParam(ALPHA));
            paramSum = paramSum == null ? worker.params().dup() : paramSum.addi(worker.params());
        }
        master.setParams(paramSum.divi(2));
        assertTrue(alphaSum.divi(2).equalsWithEps(master.getParam(ALPHA), 1e-15), "the averaged alpha is the workers' mean");
    }

    @Test
    void gatedConfigurationSurvivesJsonAndModelSerializer(@TempDir File dir) throws Exception {
        ComputationGraph net = searchNet(1);
        net.fit(batch(60));
        net.fit(batch(61));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration().getVertices().get("search"), back.getVertices().get("search"));
        assertEquals(net.getConfiguration().getVertices().get("bn"), back.getVertices().get("bn"));
        File zip = new File(dir, "search.zip");
        ModelSerializer.writeModel(net, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        assertEquals(net.getUpdater().getUpdaterBlocks().size(), restored.getUpdater().getUpdaterBlocks().size());
        for (int i = 0; i < 2; i++) { // iteration 2: weights, 3: architecture, on both
            net.fit(batch(70 + i));
            restored.fit(batch(70 + i));
        }
        assertTrue(net.params().equalsWithEps(restored.params(), 1e-12), "a restored search continues exactly");
        assertTrue(restored.getLayer("bn").conf().getLayer() instanceof PhaseGatedBatchNormalization);
    }

    @Test
    void theScheduleCountsEachOptimisersOwnSteps() {
        BiLevelSchedule schedule = new BiLevelSchedule(2);
        Phase[] expected = {Phase.WEIGHTS, Phase.WEIGHTS, Phase.WEIGHTS, Phase.ARCHITECTURE, Phase.WEIGHTS, Phase.ARCHITECTURE};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], schedule.phase(i), "iteration " + i);
        }
        assertEquals(3, schedule.stepsBefore(Phase.WEIGHTS, 4));
        assertEquals(1, schedule.stepsBefore(Phase.ARCHITECTURE, 4));
        assertEquals(1, schedule.stepsBefore(Phase.ARCHITECTURE, 5));
        assertEquals(8, schedule.iterations(5, 3), "W W | W A W A W A");
        assertThrows(IllegalArgumentException.class, () -> schedule.iterations(3, 3));
        PhaseGatedUpdater weights = new PhaseGatedUpdater(new Nesterovs(0.05, 0.9), Phase.WEIGHTS, schedule);
        assertEquals(0.05, weights.getLearningRate(4, 0));
        assertEquals(0.0, weights.getLearningRate(3, 0), "no rate on an architecture step (a scaled weight decay adds nothing)");
        assertThrows(IllegalArgumentException.class, () -> new PhaseGatedUpdater(weights, Phase.WEIGHTS, schedule));
    }

    @Test
    void thePapersOptimisation() {
        SearchOptimisation paper = SearchOptimisation.paper();
        // 100 weight steps per epoch: 10 frozen epochs, then 15 epochs of 100 weight + 100 architecture steps
        assertEquals(new BiLevelSchedule(1000), paper.schedule(100));
        assertEquals(4000, paper.totalIterations(100));
        {
            Nesterovs weights = (Nesterovs) paper.weightUpdater(8, 100);
            assertEquals(0.9, weights.getMomentum());
            assertEquals(0.01, weights.getLearningRate(0, 0), 1e-15, "0.00125 per image x 8 images");
            assertEquals(0.5 * (0.01 + 0.0004), weights.getLearningRate(1250, 0), 1e-15, "half way through the weight steps");
            assertEquals(0.0004, weights.getLearningRate(2500, 0), 1e-15, "0.00005 per image at the end");
            assertEquals(0.0004, weights.getLearningRate(3000, 0), 1e-15);
        }
        ComputationGraphConfiguration gated = BiLevelTraining.prepare(network(), paper, 100);
        DilationSearchConvolution search = (DilationSearchConvolution) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                gated.getVertices().get("search")).getLayerConf().getLayer();
        assertEquals(new PhaseGatedUpdater(new Adam(0.01, 0.5, 0.999, 1e-8), Phase.ARCHITECTURE, new BiLevelSchedule(1000)), search.getAlphaUpdater());
        assertEquals(new BiLevelSchedule(1000), BiLevelTraining.scheduleOf(gated));
        // the annealed rate survives the configuration's JSON inside the gated updater
        ComputationGraphConfiguration withSchedule = new NeuralNetConfiguration.Builder().updater(paper.weightUpdater(8, 100))
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("search", new DilationSearchConvolution("search", 2, 1, 1, true, SearchSpace.parse("1"), 1, KernelSharing.TIED), "in")
                .setOutputs("search").build();
        ComputationGraphConfiguration prepared = BiLevelTraining.prepare(withSchedule, paper, 100);
        assertEquals(prepared.getVertices().get("search"), ComputationGraphConfiguration.fromJson(prepared.toJson()).getVertices().get("search"));
    }

    @Test
    void aNetworkWithoutSearchedLayersIsRefused() {
        ComputationGraphConfiguration plain = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 1))
                .addLayer("c", new ConvolutionLayer.Builder(1, 1).nOut(2).build(), "in").setOutputs("c").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BiLevelTraining.prepare(plain, new BiLevelSchedule(0)));
        assertTrue(e.getMessage().contains("nothing to search"), e.getMessage());
    }
}
