package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Catches a vector activation that falls off the compiled path. A forked JVM runs every activation hot on float[] and
 * on native segments ({@link HotActivations}; then softmax, log-softmax and a p-norm, whose loops inline
 * VectorMath's repeatable exp and log) with C2's inlining log on for our classes, and this test fails where
 * C2 refused to inline one of our vector functions or a Vector API method into a kernel loop (the vectors would be
 * boxed, an allocation per step: docs/vector-jit.md), or where a loop was never compiled by C2 at all.
 *
 * <p>-Xbatch makes the compilations happen in the foreground, in the same order every run, so the log does not depend
 * on the machine's load.
 */
class CompiledPathTest {

    /**
     * A refused inline whose callee takes or returns vectors: our functions or the Vector API. (The loops themselves
     * take only scalars, arrays and segments; a dispatch that leaves one un-inlined costs a call, so those are fine.)
     */
    static final Pattern REFUSED = Pattern.compile(
            "(dev\\.normkit\\.vector\\.(VectorMath|\\w*ActivationFunctions)|jdk\\.incubator\\.vector\\.\\w+"
                    + "|jdk\\.internal\\.vm\\.vector\\.\\w+)::\\S+.*(failed to inline|failed to intrinsify)");
    /** A PrintCompilation line that starts a compilation; group 1 is the tier. */
    static final Pattern COMPILATION = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*(\\d)\\s+\\S+::\\S+.*");

    @Test
    void everyActivationLoopIsCompiledByC2WithItsFunctionsInlined() throws Exception {
        List<String> log = runHot(List.of());
        assertEquals(List.of(), refusedByC2(log), "C2 refused to inline vector code (boxed vectors in a kernel loop)");
        for (String loop : loops()) {
            assertTrue(log.stream().anyMatch(l -> compiledByC2(l, "ActivationLoops::" + loop)),
                    loop + " was never compiled by C2 (level 4); the log:\n" + tail(log));
        }
        // The loops that inline VectorMath's repeatable exp and log, on both placements.
        for (String loop : List.of("SoftmaxArrayLoops::expToDst", "SoftmaxSegmentLoops::expToDst",
                "SoftmaxArrayLoops::sumExp", "PNormSegmentLoops::scaledLogs", "PNormSegmentLoops::expInPlace",
                "PNormArrayLoops::scaledLogs", "PNormArrayLoops::expInPlace", "WindowPNormLoops::powTermLog",
                "WindowPNormLoops::addExp", "WindowPNormLoops::heldExponent", "WindowPNormLoops::heldPower",
                "WindowPNormLoops::rootLog", "WindowPNormLoops::expInPlace")) {
            assertTrue(log.stream().anyMatch(l -> compiledByC2(l, loop)),
                    loop + " was never compiled by C2 (level 4); the log:\n" + tail(log));
        }
    }

    /**
     * The same for LRN's streamed loops ({@link LrnRowLoops}), whose bodies hold up to five loads, two square roots and
     * two divisions, and the copies of rows between caller memory and the kernels' rows ({@link Rows}).
     */
    @Test
    void everyStreamedLrnLoopIsCompiledByC2WithTheVectorApiInlined() throws Exception {
        List<String> log = run(HotLrn.class, List.of());
        assertEquals(List.of(), refusedByC2(log), "C2 refused to inline vector code (boxed vectors in a kernel loop)");
        for (String loop : List.of("LrnRowLoops::forwardFive", "LrnRowLoops::forwardThreeQuarters",
                "LrnRowLoops::windowTerms", "LrnRowLoops::forwardPower", "LrnRowLoops::termsFive",
                "LrnRowLoops::termsThreeQuarters", "LrnRowLoops::backwardPower",
                "LrnRowLoops::holderTerms", "LrnRowLoops::backwardOutFive", "LrnRowLoops::backwardOut",
                "Rows::nativeRead", "Rows::nativeWrite")) {
            assertTrue(compiledOrInlinedByC2(log, loop),
                    loop + " was never compiled by C2 (level 4), nor inlined into a C2 compilation; the log:\n"
                            + tail(log));
        }
    }

    /** Whether C2 compiled the method on its own, or inlined it into one of its compilations (small loops are). */
    static boolean compiledOrInlinedByC2(List<String> log, String method) {
        Pattern inlined = Pattern.compile("dev\\.normkit\\.vector\\." + Pattern.quote(method) + " \\(.*\\binline\\b");
        boolean c2 = false;
        for (String line : log) {
            Matcher m = COMPILATION.matcher(line);
            if (m.matches() && !line.contains("made not entrant")) {
                c2 = m.group(1).equals("4");
                if (compiledByC2(line, method)) return true;
            } else if (c2 && inlined.matcher(line).find() && !line.contains("failed")) {
                return true;
            }
        }
        return false;
    }

    /** The methods holding vector loops: one per plain function and placement, two passes per function of e^x. */
    static List<String> loops() {
        List<String> out = new ArrayList<>();
        List<String> plain = new ArrayList<>(List.of("relu", "leakyRelu", "scale", "reluGradient", "scaleGradient"));
        plain.addAll(List.of("clamp", "leakyHardtanh", "leakyHardtanhInverse", "hardsigmoid", "hardswish", // piecewise
                "hardshrink", "softshrink", "abs", "linear", "linearConstant", "roundHalfEven", "clampGradient",
                "clipGradient", "leakyHardtanhGradient", "leakyHardtanhInverseGradient", "hardsigmoidGradient",
                "hardswishGradient", "shrinkGradient", "absGradient",
                // sqrt, square, softsign, pow (sqrtDstGradient is not run: HotActivations calls no backward from dst)
                "sqrt", "square", "softsign", "powZero", "powInteger", "powReal", "sqrtGradient",
                "squareGradient", "softsignGradient", "powZeroGradient", "powIntegerGradient", "powRealGradient"));
        for (String f : plain) {
            out.add(f + "Arrays");
            out.add(f + "Native");
        }
        for (String f : List.of("geluErf", "geluTanh", "silu", "geluErfGradient", "geluTanhGradient", "siluGradient")) {
            for (String pass : List.of("ExpArrays", "RestArrays", "ExpNative", "RestNative")) out.add(f + pass);
        }
        // exponential family (ExpFamilyActivationFunctions)
        for (String f : List.of("elu", "celu", "tanh", "tanhshrink", "tanhshrinkGradient", "logarithm",
                "logarithmGradient")) {
            out.add(f + "Arrays");
            out.add(f + "Native");
        }
        for (String f : List.of("eluGradient", "celuGradient", "softplus", "softplusGradient", "sigmoid",
                "sigmoidGradient", "logSigmoid", "logSigmoidGradient", "tanhGradient", "mish", "mishGradient",
                "exponential", "exponentialGradient")) {
            for (String pass : List.of("ExpArrays", "RestArrays", "ExpNative", "RestNative")) out.add(f + pass);
        }
        return out;
    }

    /** The check itself can fail: forbid inlining one function and it must be reported. */
    @Test
    void aFunctionLeftAsACallIsReported() throws Exception {
        List<String> log = runHot(List.of(
                "-XX:CompileCommand=dontinline,dev.normkit.vector.VectorActivationFunctions::geluErf", "gelu_erf"));
        List<String> refused = refusedByC2(log);
        assertTrue(refused.stream().anyMatch(l -> l.contains("VectorActivationFunctions::geluErf ")),
                "the dontinline'd function was not reported; the log:\n" + tail(log));
    }

    /** The refusals inside C2 (tier 4) compilations; C1's inlining is irrelevant to speed. */
    static List<String> refusedByC2(List<String> log) {
        assertTrue(log.stream().anyMatch(l -> l.startsWith("done")), "the forked JVM did not finish:\n" + tail(log));
        List<String> refused = new ArrayList<>();
        boolean c2 = false;
        for (String line : log) {
            Matcher m = COMPILATION.matcher(line);
            if (m.matches() && !line.contains("made not entrant")) {
                c2 = m.group(1).equals("4");
            } else if (c2 && REFUSED.matcher(line).find()) {
                refused.add(line.strip());
            }
        }
        return refused;
    }

    @Test
    void theRefusalPatternMatchesWhatC2Prints() {
        assertTrue(REFUSED.matcher("  @ 12   dev.normkit.vector.VectorActivationFunctions::geluErf (58 bytes)"
                + "   failed to inline: NodeCountInliningCutoff").find());
        assertTrue(REFUSED.matcher("  @ 3   jdk.internal.vm.vector.VectorSupport::binaryOp (38 bytes)"
                + "   failed to inline: failed to intrinsify").find());
        assertFalse(REFUSED.matcher("  @ 12   dev.normkit.vector.VectorMath::exp (8 bytes)   inline (hot)").find());
        assertFalse(REFUSED.matcher("  @ 97   dev.normkit.vector.ActivationLoops::geluErfArrays (48 bytes)"
                + "   failed to inline: too big").find());
        assertTrue(compiledByC2("   4521  812       4       dev.normkit.vector.ActivationLoops::reluArrays (36 bytes)",
                "ActivationLoops::reluArrays"));
        assertFalse(compiledByC2("   4521  812       3       dev.normkit.vector.ActivationLoops::reluArrays (36 bytes)",
                "ActivationLoops::reluArrays"));
    }

    /** A PrintCompilation line for a tier-4 (C2) compilation of the method, standard or OSR. */
    static boolean compiledByC2(String line, String method) {
        return line.matches("\\s*\\d+\\s+\\d+\\s+[%sbn! ]*4\\s+dev\\.normkit\\.vector\\." + Pattern.quote(method)
                + "\\b.*");
    }

    /** Runs {@link HotActivations}; {@code extra} holds JVM flags (starting with -) and then activation names. */
    private static List<String> runHot(List<String> extra) throws IOException, InterruptedException {
        return run(HotActivations.class, extra);
    }

    /** Runs {@code main}'s class in a forked JVM with the JIT logs on; {@code extra} as {@link #runHot}. */
    private static List<String> run(Class<?> main, List<String> extra) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xbatch", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+PrintCompilation", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=PrintInlining,dev.normkit.vector.*::*"));
        String bits = System.getProperty(FloatSpecies.BITS_PROPERTY);
        if (bits != null) command.add("-D" + FloatSpecies.BITS_PROPERTY + "=" + bits);
        extra.stream().filter(a -> a.startsWith("-")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        extra.stream().filter(a -> !a.startsWith("-")).forEach(command::add);
        Path out = Files.createTempFile("normkit-jit", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the forked JVM ran past 120 s");
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size()));
    }
}
