import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes kernels-java/src/generated/java/dev/normkit/vector/ActivationLoops.java from the function signatures in
 * the *ActivationFunctions.java classes of the vector package (VectorActivationFunctions.java and one per group of
 * activations): for each function, one loop over float[] (fromArray/intoArray) and one over native
 * segments (fromMemorySegment/intoMemorySegment), each a small method that takes and returns no vectors, so C2
 * compiles every loop on its own inlining budget. Hand-copying these loops is what this replaces: the loops of two
 * activations differ only in the function they call, and a shared loop taking the function as a parameter would go
 * megamorphic (and box every vector) as soon as two activations run in one JVM.
 *
 * <p>Run from the repository root after adding or renaming a function, and commit the output:
 * {@code java kernels-java/src/build/java/GenerateActivationLoops.java}
 */
public class GenerateActivationLoops {

    /** Where the function classes live: every {@code *ActivationFunctions.java} there, in name order. */
    private static final Path FUNCTIONS = Path.of("kernels-java/src/main/java/dev/normkit/vector");
    /** Which class each function is in, so the loops call it by its class. */
    private static final Map<String, String> OWNER = new HashMap<>();
    private static final Path OUTPUT =
            Path.of("kernels-java/src/generated/java/dev/normkit/vector/ActivationLoops.java");

    private static final Pattern FORWARD =
            Pattern.compile("^    static FloatVector (\\w+)\\(FloatVector s, float p, float q\\)", Pattern.MULTILINE);
    private static final Pattern BACKWARD = Pattern.compile(
            "^    static FloatVector (\\w+)\\(FloatVector s, FloatVector dy, float p, float q\\)", Pattern.MULTILINE);
    private static final Pattern FORWARD_OF_EXP = Pattern.compile(
            "^    static FloatVector (\\w+)\\(FloatVector s, FloatVector e, float p, float q\\)", Pattern.MULTILINE);
    private static final Pattern BACKWARD_OF_EXP = Pattern.compile(
            "^    static FloatVector (\\w+)\\(FloatVector s, FloatVector dy, FloatVector e, float p, float q\\)",
            Pattern.MULTILINE);
    /** Floats per chunk of a two-pass loop: the e^x of one chunk stays in L1 (2 KiB) until the second pass reads it. */
    private static final int CHUNK = 512;

    public static void main(String[] args) throws IOException {
        StringBuilder all = new StringBuilder();
        List<Path> files;
        try (var list = Files.list(FUNCTIONS)) {
            files = list.filter(f -> f.getFileName().toString().endsWith("ActivationFunctions.java")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            String owner = file.getFileName().toString().replace(".java", "");
            for (Pattern p : List.of(FORWARD, BACKWARD, FORWARD_OF_EXP, BACKWARD_OF_EXP)) {
                for (String f : names(p, text)) {
                    String before = OWNER.put(f, owner);
                    if (before != null && !before.equals(owner)) {
                        throw new IllegalStateException(f + " is defined in both " + before + " and " + owner);
                    }
                }
            }
            all.append(text);
        }
        String source = all.toString();
        List<String> forward = names(FORWARD, source);
        forward.removeIf(f -> f.endsWith("Exponent"));
        List<String> backward = names(BACKWARD, source);
        List<String> forwardOfExp = names(FORWARD_OF_EXP, source);
        List<String> backwardOfExp = names(BACKWARD_OF_EXP, source);
        for (String f : concat(forwardOfExp, backwardOfExp)) {
            if (!source.contains("static FloatVector " + f + "Exponent(FloatVector s, float p, float q)")) {
                throw new IllegalStateException(f + " takes e = e^x but " + f + "Exponent, which gives x, is missing");
            }
        }
        forward = concat(forward, forwardOfExp);
        backward = concat(backward, backwardOfExp);
        if (forward.isEmpty() || backward.isEmpty()) {
            throw new IllegalStateException("no functions found in " + FUNCTIONS);
        }
        String generated = generate(forward, backward, forwardOfExp, backwardOfExp);
        if (args.length > 0 && args[0].equals("--check")) { // GeneratedLoopsTest: is the committed output current?
            if (!Files.exists(OUTPUT) || !Files.readString(OUTPUT).equals(generated)) {
                System.err.println(OUTPUT + " is not what " + FUNCTIONS + " generates: rerun this program");
                System.exit(1);
            }
            return;
        }
        Files.createDirectories(OUTPUT.getParent());
        Files.writeString(OUTPUT, generated);
        System.out.println("wrote " + OUTPUT + ": " + forward.size() + " forward, " + backward.size() + " backward");
    }

    private static List<String> names(Pattern p, String source) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(source);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static String constant(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }

    private static String generate(List<String> forward, List<String> backward, List<String> forwardOfExp,
            List<String> backwardOfExp) {
        StringBuilder b = new StringBuilder();
        b.append("""
                // GENERATED by kernels-java/src/build/java/GenerateActivationLoops.java from the *ActivationFunctions.java classes.
                // Do not edit: change the functions, rerun the generator, commit both.
                package dev.normkit.vector;

                import static dev.normkit.vector.FloatSpecies.F;

                import java.lang.foreign.MemorySegment;
                import java.nio.ByteOrder;
                import jdk.incubator.vector.FloatVector;

                /**
                 * One loop per activation function and memory placement, over whole vectors only ({@code n} a multiple of the
                 * lane count; callers stage the tail). Each loop is a small method of scalars, arrays and segments: see
                 * {@link VectorActivationFunctions} for the functions and {@link VectorActivation} for the dispatch.
                 *
                 * <p>A function of e^x runs in two passes per chunk of %d floats, each pass its own method: the first
                 * computes e^x (an SVML call) into a scratch array, the second the rest. A call inside a loop body makes
                 * C2 spill and reload every vector live across it, which cost GELU erf a third of its speed; the chunk
                 * stays in L1 between passes.
                 */
                final class ActivationLoops {
                    private ActivationLoops() {}

                    private static final int L = F.length();
                    private static final long VECTOR_BYTES = F.vectorByteSize();
                    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
                    private static final int CHUNK = %d;

                """.formatted(CHUNK, CHUNK));
        enumOf(b, "Forward", forward);
        enumOf(b, "Backward", backward);

        b.append("    static void forwardArrays(Forward f, float[] src, int srcAt, float[] dst, int dstAt, int n, float p,\n"
                + "            float q) {\n        switch (f) {\n");
        for (String f : forward) {
            b.append("            case ").append(constant(f)).append(" -> ").append(f)
                    .append("Arrays(src, srcAt, dst, dstAt, n, p, q);\n");
        }
        b.append("        }\n    }\n\n");
        b.append("    static void forwardNative(Forward f, MemorySegment src, MemorySegment dst, long n, float p, float q) {\n"
                + "        switch (f) {\n");
        for (String f : forward) {
            b.append("            case ").append(constant(f)).append(" -> ").append(f)
                    .append("Native(src, dst, n * Float.BYTES, p, q);\n");
        }
        b.append("        }\n    }\n\n");
        b.append("    static void backwardArrays(Backward f, float[] src, int srcAt, float[] dy, int dyAt, float[] dx, int dxAt,\n"
                + "            int n, float p, float q) {\n        switch (f) {\n");
        for (String f : backward) {
            b.append("            case ").append(constant(f)).append(" -> ").append(f)
                    .append("Arrays(src, srcAt, dy, dyAt, dx, dxAt, n, p, q);\n");
        }
        b.append("        }\n    }\n\n");
        b.append("    static void backwardNative(Backward f, MemorySegment src, MemorySegment dy, MemorySegment dx, long n,\n"
                + "            float p, float q) {\n        switch (f) {\n");
        for (String f : backward) {
            b.append("            case ").append(constant(f)).append(" -> ").append(f)
                    .append("Native(src, dy, dx, n * Float.BYTES, p, q);\n");
        }
        b.append("        }\n    }\n");

        for (String f : forward) {
            if (forwardOfExp.contains(f)) {
                b.append(forwardOfExpLoops(f));
                continue;
            }
            b.append("""

                        private static void %1$sArrays(float[] src, int srcAt, float[] dst, int dstAt, int n, float p,
                                float q) {
                            for (int i = 0; i < n; i += L) {
                                %2$s.%1$s(FloatVector.fromArray(F, src, srcAt + i), p, q)
                                        .intoArray(dst, dstAt + i);
                            }
                        }

                        private static void %1$sNative(MemorySegment src, MemorySegment dst, long bytes, float p, float q) {
                            for (long at = 0; at < bytes; at += VECTOR_BYTES) {
                                %2$s.%1$s(FloatVector.fromMemorySegment(F, src, at, ORDER), p, q)
                                        .intoMemorySegment(dst, at, ORDER);
                            }
                        }
                    """.formatted(f, OWNER.get(f)));
        }
        for (String f : backward) {
            if (backwardOfExp.contains(f)) {
                b.append(backwardOfExpLoops(f));
                continue;
            }
            b.append("""

                        private static void %1$sArrays(float[] src, int srcAt, float[] dy, int dyAt, float[] dx, int dxAt,
                                int n, float p, float q) {
                            for (int i = 0; i < n; i += L) {
                                %2$s.%1$s(FloatVector.fromArray(F, src, srcAt + i),
                                        FloatVector.fromArray(F, dy, dyAt + i), p, q).intoArray(dx, dxAt + i);
                            }
                        }

                        private static void %1$sNative(MemorySegment src, MemorySegment dy, MemorySegment dx, long bytes,
                                float p, float q) {
                            for (long at = 0; at < bytes; at += VECTOR_BYTES) {
                                %2$s.%1$s(FloatVector.fromMemorySegment(F, src, at, ORDER),
                                        FloatVector.fromMemorySegment(F, dy, at, ORDER), p, q)
                                        .intoMemorySegment(dx, at, ORDER);
                            }
                        }
                    """.formatted(f, OWNER.get(f)));
        }
        b.append("}\n");
        return b.toString();
    }

    /**
     * A chunk loop calling two pass methods, each its own compilation unit: an OSR compilation of a method holding both
     * loops parsed the second first and ran out of C2's node budget before the exp pass (at 256 and 128 bits).
     */
    private static String forwardOfExpLoops(String f) {
        return """

                    private static void %1$sArrays(float[] src, int srcAt, float[] dst, int dstAt, int n, float p,
                            float q) {
                        float[] e = new float[Math.min(n, CHUNK)];
                        for (int c = 0; c < n; c += CHUNK) {
                            int m = Math.min(CHUNK, n - c);
                            %1$sExpArrays(src, srcAt + c, e, m, p, q);
                            %1$sRestArrays(src, srcAt + c, e, dst, dstAt + c, m, p, q);
                        }
                    }

                    private static void %1$sExpArrays(float[] src, int srcAt, float[] e, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            VectorMath.exp(%2$s.%1$sExponent(
                                    FloatVector.fromArray(F, src, srcAt + i), p, q)).intoArray(e, i);
                        }
                    }

                    private static void %1$sRestArrays(float[] src, int srcAt, float[] e, float[] dst, int dstAt, int m,
                            float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            %2$s.%1$s(FloatVector.fromArray(F, src, srcAt + i),
                                    FloatVector.fromArray(F, e, i), p, q).intoArray(dst, dstAt + i);
                        }
                    }

                    private static void %1$sNative(MemorySegment src, MemorySegment dst, long bytes, float p, float q) {
                        float[] e = new float[(int) Math.min(bytes / Float.BYTES, CHUNK)];
                        for (long c = 0; c < bytes; c += CHUNK * Float.BYTES) {
                            int m = (int) Math.min(CHUNK, (bytes - c) / Float.BYTES);
                            %1$sExpNative(src, c, e, m, p, q);
                            %1$sRestNative(src, c, e, dst, m, p, q);
                        }
                    }

                    private static void %1$sExpNative(MemorySegment src, long at, float[] e, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            VectorMath.exp(%2$s.%1$sExponent(
                                    FloatVector.fromMemorySegment(F, src, at + (long) i * Float.BYTES, ORDER), p, q))
                                    .intoArray(e, i);
                        }
                    }

                    private static void %1$sRestNative(MemorySegment src, long at, float[] e, MemorySegment dst, int m,
                            float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            long b = at + (long) i * Float.BYTES;
                            %2$s.%1$s(FloatVector.fromMemorySegment(F, src, b, ORDER),
                                    FloatVector.fromArray(F, e, i), p, q).intoMemorySegment(dst, b, ORDER);
                        }
                    }
                """.formatted(f, OWNER.get(f));
    }

    private static String backwardOfExpLoops(String f) {
        return """

                    private static void %1$sArrays(float[] src, int srcAt, float[] dy, int dyAt, float[] dx, int dxAt,
                            int n, float p, float q) {
                        float[] e = new float[Math.min(n, CHUNK)];
                        for (int c = 0; c < n; c += CHUNK) {
                            int m = Math.min(CHUNK, n - c);
                            %1$sExpArrays(src, srcAt + c, e, m, p, q);
                            %1$sRestArrays(src, srcAt + c, dy, dyAt + c, e, dx, dxAt + c, m, p, q);
                        }
                    }

                    private static void %1$sExpArrays(float[] src, int srcAt, float[] e, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            VectorMath.exp(%2$s.%1$sExponent(
                                    FloatVector.fromArray(F, src, srcAt + i), p, q)).intoArray(e, i);
                        }
                    }

                    private static void %1$sRestArrays(float[] src, int srcAt, float[] dy, int dyAt, float[] e,
                            float[] dx, int dxAt, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            %2$s.%1$s(FloatVector.fromArray(F, src, srcAt + i),
                                    FloatVector.fromArray(F, dy, dyAt + i), FloatVector.fromArray(F, e, i), p, q)
                                    .intoArray(dx, dxAt + i);
                        }
                    }

                    private static void %1$sNative(MemorySegment src, MemorySegment dy, MemorySegment dx, long bytes,
                            float p, float q) {
                        float[] e = new float[(int) Math.min(bytes / Float.BYTES, CHUNK)];
                        for (long c = 0; c < bytes; c += CHUNK * Float.BYTES) {
                            int m = (int) Math.min(CHUNK, (bytes - c) / Float.BYTES);
                            %1$sExpNative(src, c, e, m, p, q);
                            %1$sRestNative(src, dy, c, e, dx, m, p, q);
                        }
                    }

                    private static void %1$sExpNative(MemorySegment src, long at, float[] e, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            VectorMath.exp(%2$s.%1$sExponent(
                                    FloatVector.fromMemorySegment(F, src, at + (long) i * Float.BYTES, ORDER), p, q))
                                    .intoArray(e, i);
                        }
                    }

                    private static void %1$sRestNative(MemorySegment src, MemorySegment dy, long at, float[] e,
                            MemorySegment dx, int m, float p, float q) {
                        for (int i = 0; i < m; i += L) {
                            long b = at + (long) i * Float.BYTES;
                            %2$s.%1$s(FloatVector.fromMemorySegment(F, src, b, ORDER),
                                    FloatVector.fromMemorySegment(F, dy, b, ORDER), FloatVector.fromArray(F, e, i), p, q)
                                    .intoMemorySegment(dx, b, ORDER);
                        }
                    }
                """.formatted(f, OWNER.get(f));
    }

    private static void enumOf(StringBuilder b, String name, List<String> functions) {
        b.append("    /** The ").append(name.toLowerCase()).append(" functions of {@link VectorActivationFunctions}. */\n");
        b.append("    enum ").append(name).append(" {\n");
        for (int i = 0; i < functions.size(); i++) {
            b.append("        ").append(constant(functions.get(i))).append(i + 1 < functions.size() ? ",\n" : "\n");
        }
        b.append("    }\n\n");
    }
}
