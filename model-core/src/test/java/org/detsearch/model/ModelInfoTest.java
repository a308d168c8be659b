package org.detsearch.model;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelInfoTest {
    @Test
    void resNetsAloneAndWithTheirClassifier() {
        ModelInfo r50 = ModelInfo.of(ModelCatalog.build("resnet50", OptionalInt.of(1000), OptionalInt.empty()));
        assertEquals(25_583_592L, r50.trainableParams(), "Keras ResNet50");
        assertEquals(224, r50.imageSize());
        ModelInfo backbone = ModelInfo.of(ModelCatalog.build("resnet50", OptionalInt.empty(), OptionalInt.empty()));
        assertEquals(r50.trainableParams() - (2048 * 1000 + 1000), backbone.trainableParams(), "the fc1000 layer");
        assertEquals(r50.multiplyAdds() - 2048 * 1000, backbone.multiplyAdds());
        assertTrue(backbone.allParams() > backbone.trainableParams(), "batch-norm running statistics");
        ModelInfo large = ModelInfo.of(ModelCatalog.build("resnet101", OptionalInt.empty(), OptionalInt.of(448)));
        ModelInfo small = ModelInfo.of(ModelCatalog.build("resnet101", OptionalInt.empty(), OptionalInt.of(224)));
        assertEquals(4 * small.multiplyAdds(), large.multiplyAdds(), "twice the side, four times the work");
        assertTrue(large.toJson().contains("\"trainableParams\":" + large.trainableParams()), large.toJson());
    }

    @Test
    void efficientNetsAloneOrWithTheirClassifierAtTheirResolution() {
        ModelInfo b0 = ModelInfo.of(ModelCatalog.build("efficientnet-b0", OptionalInt.of(1000), OptionalInt.empty()));
        assertEquals(5_288_548L, b0.trainableParams(), "the official B0 count");
        assertEquals(224, b0.imageSize());
        assertEquals(600, ModelCatalog.build("efficientnet-b7", OptionalInt.empty(), OptionalInt.empty()).input()
                .getShape(false)[1], "B7's resolution");
    }

    @Test
    void anUnknownModelListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.build("resnet42", OptionalInt.empty(), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("resnet50, resnet101, resnext50, resnext101"), e.getMessage());
    }
}
