package org.detsearch.nn;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A custom layer configuration whose parameters {@link LayoutParamInitializer} lays out and initialises. */
public interface HasParamLayout {
    ParamLayout paramLayout();

    /** Writes the initial values of parameter {@code name} into {@code view} (shaped as the layout says). */
    void initialiseParam(String name, INDArray view);

    /** The configuration itself, as DL4J sees it. */
    default Layer asLayer() {
        return (Layer) this;
    }
}
