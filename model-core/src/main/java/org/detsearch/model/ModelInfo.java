package org.detsearch.model;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A network's size: trainable parameters (what papers and Keras report), all parameters (DL4J's count, with
 * batch-norm running statistics) and multiply-adds of one forward pass for one image at {@code imageSize}.
 */
public record ModelInfo(String model, int imageSize, long trainableParams, long allParams, long multiplyAdds) {
    public static ModelInfo of(ModelCatalog.Network network) {
        ComputationGraph net = new ComputationGraph(network.graph());
        net.init();
        ParameterCount params = ParameterCount.of(net);
        long multiplyAdds = MultiplyAdds.of(network.graph(), network.input()).total();
        int size = (int) ((org.deeplearning4j.nn.conf.inputs.InputType.InputTypeConvolutional) network.input()).getHeight();
        return new ModelInfo(network.name(), size, params.trainable(), params.all(), multiplyAdds);
    }

    public String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"model\":\"%s\",\"imageSize\":%d,\"trainableParams\":%d,\"allParams\":%d,\"multiplyAdds\":%d}%n",
                model, imageSize, trainableParams, allParams, multiplyAdds);
    }
}
