package org.detsearch.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConsoleNoiseFilterTest {
    @Test
    void dropsSameDiffChatterAndKeepsEverythingElse() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(new ConsoleNoiseFilter(sink), true, StandardCharsets.UTF_8)) {
            out.println("epoch 1: loss 0.5");
            out.println("Added differentiated op conv2d_bp");
            out.print("Added differentiated op ");
            out.println("mul_bp");
            out.print("no newline at the end");
        }
        assertEquals("epoch 1: loss 0.5\nno newline at the end", sink.toString(StandardCharsets.UTF_8));
    }
}
