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
    void countsEfficientDetsWholeAndATransformedResNetLikeTheOriginal(@TempDir Path tmp) throws Exception {
        CliRunner d0 = CliRunner.run("model-info", "--model", "efficientdet-d0", "--json", tmp.resolve("d0.json").toString());
        assertEquals(0, d0.exitCode(), d0.err());
        JsonNode info = new ObjectMapper().readTree(tmp.resolve("d0.json").toFile());
        assertEquals(3_880_067L, info.get("trainableParams").asLong(), "the official EfficientDet-D0 count");
        assertEquals(512, info.get("imageSize").asInt());
        // official 2.55e9 multiply-adds (tfprof counts element-wise ops too; the rule here counts weights only)
        assertEquals(2.55e9, info.get("multiplyAdds").asDouble(), 0.03 * 2.55e9);

        // a genotype that splits res3a's 3x3 into dilations 1 and 2: the same parameters and multiply-adds
        java.nio.file.Files.writeString(tmp.resolve("genotype.json"), "{\"backbone\": \"resnet50\", \"layers\": [{\"name\": "
                + "\"res3a_branch2b\", \"stage\": 3, \"channels\": 128, \"kept\": [{\"dilation\": \"1\", \"channels\": 64}, "
                + "{\"dilation\": \"2\", \"channels\": 64}], \"candidates\": [\"1\", \"2\"], \"softmax\": []}]}");
        CliRunner plain = CliRunner.run("model-info", "--model", "resnet50", "--json", tmp.resolve("plain.json").toString());
        CliRunner transformed = CliRunner.run("model-info", "--model", "resnet50", "--genotype", tmp.resolve("genotype.json").toString(),
                "--json", tmp.resolve("transformed.json").toString());
        assertEquals(0, transformed.exitCode(), transformed.err());
        assertTrue(transformed.out().contains("NATS-transformed by"), transformed.out());
        JsonNode a = new ObjectMapper().readTree(tmp.resolve("plain.json").toFile());
        JsonNode b = new ObjectMapper().readTree(tmp.resolve("transformed.json").toFile());
        for (String key : new String[] {"trainableParams", "allParams", "multiplyAdds"}) {
            assertEquals(a.get(key).asLong(), b.get(key).asLong(), key);
        }
        CliRunner wrong = CliRunner.run("model-info", "--model", "efficientnet-b0", "--genotype", tmp.resolve("genotype.json").toString());
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("a genotype transforms a ResNet or ResNeXt"), wrong.err());
    }

    @Test
    void anUnknownModelIsAUsageError() {
        CliRunner run = CliRunner.run("model-info", "--model", "vgg16");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown model 'vgg16'; known: resnet50, resnet101, resnext50, resnext101, efficientnet-b0"), run.err());
    }
}
