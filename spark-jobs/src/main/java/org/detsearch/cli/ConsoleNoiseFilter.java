package org.detsearch.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Drops known library chatter that bypasses logging and prints straight to stdout, such as SameDiff's
 * "Added differentiated op ..." line for every op of every gradient function it builds. Line-based: a line
 * is passed on or dropped when its newline arrives.
 */
public final class ConsoleNoiseFilter extends OutputStream {
    static final List<String> NOISE_PREFIXES = List.of("Added differentiated op");

    private final OutputStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public ConsoleNoiseFilter(OutputStream target) {
        this.target = target;
    }

    public static void install() {
        System.setOut(new PrintStream(new ConsoleNoiseFilter(System.out), true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emitLine();
        }
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
        target.flush();
    }

    @Override
    public synchronized void close() throws java.io.IOException {
        if (line.size() > 0) {
            emitLine();
        }
        target.flush();
    }

    private void emitLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        for (String prefix : NOISE_PREFIXES) {
            if (text.startsWith(prefix)) {
                return;
            }
        }
        try {
            target.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
