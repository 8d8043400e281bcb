package dev.normkit.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.normkit.Backends;
import dev.normkit.onednn.OneDnnBackend;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine and paths a result came from, so a CI user can tell which machine wrote a record: the CPU model, the JDK,
 * the ISA oneDNN runs at and the vector path's width, {@code null} where a path is unavailable (or, for the CPU, where
 * the OS does not say). Taken in the JVM that ran the kernels: {@code check} runs them in its own JVM; each benchmark
 * fork reports its own ({@link #reportFromFork()}), which the command line reads back from the fork's output.
 *
 * @param cpu        the CPU model name ({@code /proc/cpuinfo}), e.g. {@code AMD EPYC 9654 96-Core Processor}
 * @param jdk        {@link Runtime#version()}, e.g. {@code 25.0.1+8-LTS}
 * @param onednnIsa  the ISA oneDNN generates code for, e.g. {@code avx512_core_bf16} (see {@link OneDnnBackend#isa()})
 * @param vectorBits the vector path's vector width in bits: 128, 256 or 512
 */
public record Hardware(String cpu, String jdk, String onednnIsa, Integer vectorBits) {

    /** How a benchmark fork's report of its hardware starts; the rest of the line is {@link #json()}. */
    public static final String FORK_LINE_PREFIX = "normkit-bench: hardware ";

    /** The vector path describes itself as {@code Vector API, 256-bit (8 floats)...}: the width is the only N-bit. */
    private static final Pattern VECTOR_BITS = Pattern.compile("(\\d+)-bit");

    /** This JVM's hardware. Loads every path, to ask it. */
    public static Hardware detect() {
        return new Hardware(cpuModel(Path.of("/proc/cpuinfo")).orElse(null), Runtime.version().toString(),
                available("onednn") ? ((OneDnnBackend) Backends.get("onednn")).isa() : null,
                available("vector") ? vectorBits(Backends.get("vector").description()) : null);
    }

    private static boolean available(String path) {
        return Backends.status().stream().anyMatch(s -> s.name().equals(path) && s.available());
    }

    /** The first {@code model name} in a Linux {@code /proc/cpuinfo}; empty where there is none. */
    static Optional<String> cpuModel(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .filter(s -> !s.isEmpty())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The width in the vector path's description.
     *
     * @throws IllegalStateException if the description names none: a record must not silently lose its width
     */
    static int vectorBits(String description) {
        Matcher m = VECTOR_BITS.matcher(description);
        if (!m.find()) {
            throw new IllegalStateException("vector: no width ('N-bit') in the path's description: " + description);
        }
        return Integer.parseInt(m.group(1));
    }

    /** One line for a table header: {@code hardware: cpu AMD EPYC, JDK 25.0.1+8, oneDNN avx2, vector 256-bit}. */
    public String describe() {
        return "hardware: cpu " + (cpu == null ? "unknown" : cpu) + ", JDK " + jdk + ", oneDNN "
                + (onednnIsa == null ? "unavailable" : onednnIsa) + ", vector "
                + (vectorBits == null ? "unavailable" : vectorBits + "-bit");
    }

    /** Adds the fields {@code cpu}, {@code jdk}, {@code onednn_isa}, {@code vector_bits} to a record. */
    public void addTo(JsonObject record) {
        text(record, "cpu", cpu);
        text(record, "jdk", jdk);
        text(record, "onednn_isa", onednnIsa);
        if (vectorBits == null) {
            record.add("vector_bits", JsonNull.INSTANCE);
        } else {
            record.addProperty("vector_bits", vectorBits);
        }
    }

    private static void text(JsonObject record, String name, String value) {
        if (value == null) {
            record.add(name, JsonNull.INSTANCE);
        } else {
            record.addProperty(name, value);
        }
    }

    /** The four fields as one JSON object. */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        addTo(o);
        return o;
    }

    /** What a benchmark fork prints so that the command line learns the hardware it ran on. */
    public String forkLine() {
        return FORK_LINE_PREFIX + json();
    }

    /**
     * Prints this JVM's {@link #forkLine()} on the process's own standard output. In a JMH fork, {@code System.out}
     * goes over JMH's link to the host's console, past its output format; the process's standard output is drained
     * into the host's output format, where the command line reads the line back (and JMH's own runner shows it).
     */
    public static void reportFromFork() {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        stdout.println(detect().forkLine()); // not closed: that would close the process's standard output
    }

    /**
     * The hardware in a line printed by {@link #forkLine()}; empty for any other line.
     *
     * @throws IllegalArgumentException if the line starts like a fork's report but does not hold one
     */
    public static Optional<Hardware> fromForkLine(String line) {
        if (!line.startsWith(FORK_LINE_PREFIX)) return Optional.empty();
        try {
            JsonObject o = JsonParser.parseString(line.substring(FORK_LINE_PREFIX.length())).getAsJsonObject();
            JsonElement bits = o.get("vector_bits");
            return Optional.of(new Hardware(text(o, "cpu"), text(o, "jdk"), text(o, "onednn_isa"),
                    bits == null || bits.isJsonNull() ? null : bits.getAsInt()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("hardware: unreadable fork report: " + line, e);
        }
    }

    private static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
