package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelInfoCommandTest {
    @Test
    void countsAResNetWithItsClassifierIntoJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("out/r101.json");
        CliRunner run = CliRunner.run("model-info", "--model", "resnet101", "--num-classes", "1000", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode info = new ObjectMapper().readTree(json.toFile());
        assertEquals(44_601_832L, info.get("trainableParams").asLong(), "Keras ResNet101");
        assertTrue(info.get("allParams").asLong() > info.get("trainableParams").asLong());
        assertEquals(224, info.get("imageSize").asInt());
        assertTrue(info.get("multiplyAdds").asLong() > 7e9, info.toString());
        assertTrue(run.out().contains("resnet101 at 224x224: 44,601,832 trainable parameters"), run.out());
    }

    @Test
    void anUnknownModelIsAUsageError() {
        CliRunner run = CliRunner.run("model-info", "--model", "vgg16");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown model 'vgg16'; known: resnet50, resnet101"), run.err());
    }
}
