package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vector path gives the same bits interpreted and compiled (issue 10): a forked JVM with {@code -Xint} and one
 * whose loops C2 has compiled ({@code -Xbatch}, many rounds) hash every output of {@link KernelOutputs} (plain kernels
 * on small shapes: a parallel kernel runs the same loops on slices), and the hashes must agree. Every kernel with a
 * reduction is compared (their exp and log are VectorMath's repeatable ones). Left out, with the reason in
 * {@link ParallelKernelTest#tierDependent}: the activations that take exp, log or tanh through the Vector API's
 * {@code lanewise} operators (those outside {@link ParallelKernelTest#EXACT_ON_EVERY_TIER}).
 */
class JitTierTest {

    @TempDir
    static Path dir;

    @Test
    void interpretedAndCompiledRunsGiveTheSameBits() throws Exception {
        Map<String, String> interpreted = hashes("-Xint", "1");
        Map<String, String> compiled = hashes("-Xbatch", "40");
        assertEquals(interpreted.keySet(), compiled.keySet());
        assertFalse(interpreted.isEmpty());
        Set<String> compared = new HashSet<>();
        for (String output : interpreted.keySet()) {
            if (ParallelKernelTest.tierDependent("vector", output)) continue;
            assertEquals(interpreted.get(output), compiled.get(output), output + ": -Xint vs C2");
            compared.add(output);
        }
        // Named independently of tierDependent, so that it cannot quietly skip these: every output of a kernel with a
        // reduction (all but the activations), and the activations of exactly rounded operations.
        Set<String> activations = new HashSet<>();
        for (Activation a : Activation.values()) activations.add(a.kernelName());
        List<String> mustCompare = new ArrayList<>(interpreted.keySet().stream()
                .filter(o -> !activations.contains(o.split(" ")[0])).toList());
        assertTrue(mustCompare.containsAll(List.of("softmax forward", "log_softmax forward",
                "instance_norm forward", "batch_norm nhwc backward diffSrc",
                "lrn across_channels beta 0.75 forward", "divisive_norm last_axes p 0.3 backward",
                "divisive_norm across_channels p 3.2 backward",
                "spectral_norm backward")), () -> "KernelOutputs lost a reduction: " + mustCompare);
        for (Activation a : ParallelKernelTest.EXACT_ON_EVERY_TIER) mustCompare.add(a.kernelName() + " forward");
        assertTrue(compared.containsAll(mustCompare), () -> "not compared: " + mustCompare.stream()
                .filter(o -> !compared.contains(o)).toList());
    }

    private static Map<String, String> hashes(String flag, String rounds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                flag, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path")));
        String bits = System.getProperty("normkit.vector.bits");
        if (bits != null) cmd.add("-Dnormkit.vector.bits=" + bits);
        cmd.addAll(List.of(KernelOutputs.class.getName(), rounds));
        Path out = dir.resolve(flag + ".txt");
        Path err = dir.resolve(flag + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        assertEquals(0, p.exitValue(), Files.readString(err));
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            int eq = line.lastIndexOf('=');
            hashes.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return hashes;
    }
}
