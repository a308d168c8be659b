package org.detsearch.model;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Implemented by DetSearch's custom layer and vertex configurations so that {@link MultiplyAdds} can count them:
 * DL4J's own layers are counted from their configuration, a custom SameDiff piece only knows what it computes.
 */
public interface CountsMultiplyAdds {
    /**
     * Multiply-adds of one forward pass for ONE example, given the types of the inputs as the graph feeds them
     * and the type of the output.
     */
    long multiplyAdds(InputType output, InputType... inputs);
}
