package dev.normkit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Not a test: a hand-run check that the vector path's speed does not depend on which memory the JVM has seen
 * (issue 7). Run one JVM per mode and compare: {@code native} or {@code array} warms and measures one kind only;
 * {@code both} warms every kernel on native segments, then on {@code float[]}, then measures each. Each kind in
 * {@code both} should run at about the speed of its single-kind JVM. The bench module's JMH benchmark is the
 * recorded measurement; this is the quick one, outside JMH, so quote ratios between runs on the same machine.
 *
 * <pre>
 * mvn -B -q -pl kernels-java test-compile
 * java -Xbatch --add-modules jdk.incubator.vector -cp kernels-java/target/classes:kernels-java/target/test-classes \
 *     dev.normkit.MixedMemorySpeed both [rows cols]
 * </pre>
 */
public final class MixedMemorySpeed {

    private static final int ROUNDS = 10;

    private record Case(String name, long bytes, Runnable call) {}

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "both";
        int rows = args.length > 2 ? Integer.parseInt(args[1]) : 64;
        int cols = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        boolean nativeKind = !mode.equals("array");
        boolean arrayKind = !mode.equals("native");
        if (!mode.equals("both") && !mode.equals("native") && !mode.equals("array")) {
            throw new IllegalArgumentException("mode: native, array or both, was " + mode);
        }
        Backend vector = Backends.get("vector");
        LayerNormKernel ln = vector.create(LayerNormDesc.of(Shape.of(rows, cols)));
        SoftmaxKernel sm = vector.create(SoftmaxDesc.of(Shape.of(rows, cols)));
        int n = rows * cols;
        float[] x = random(1, n);
        float[] y = new float[n];
        float[] gamma = random(2, cols);
        float[] beta = random(3, cols);
        Arena arena = Arena.ofAuto();
        MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
        MemorySegment ys = arena.allocate(ValueLayout.JAVA_FLOAT, n);
        MemorySegment gs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, gamma);
        MemorySegment bs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta);
        long lnBytes = (2L * n + 2L * cols) * Float.BYTES;
        long smBytes = 2L * n * Float.BYTES;
        List<Case> cases = new ArrayList<>();
        if (nativeKind) {
            cases.add(new Case("layer_norm native", lnBytes, () -> ln.forward(xs, ys, gs, bs)));
            cases.add(new Case("softmax    native", smBytes, () -> sm.forward(xs, ys)));
        }
        if (arrayKind) {
            cases.add(new Case("layer_norm float[]", lnBytes, () -> ln.forward(x, y, gamma, beta)));
            cases.add(new Case("softmax    float[]", smBytes, () -> sm.forward(x, y)));
        }
        System.out.printf("mode %s, %dx%d, %s%n", mode, rows, cols, vector.description());
        for (Case c : cases) run(c, 3.0); // warm every kind first, in order: native, then float[]
        // Rounds alternate between the cases, so that load from other processes hits them alike.
        double[][] rounds = new double[cases.size()][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < cases.size(); i++) rounds[i][r] = run(cases.get(i), 0.5);
        }
        for (int i = 0; i < cases.size(); i++) {
            Arrays.sort(rounds[i]);
            System.out.printf("%-20s best %6.1f GB/s  median %6.1f%n", cases.get(i).name(), rounds[i][ROUNDS - 1],
                    rounds[i][ROUNDS / 2]);
        }
    }

    /** Calls {@code c} for about {@code seconds}; returns GB/s. */
    private static double run(Case c, double seconds) {
        long calls = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            for (int i = 0; i < 100; i++) c.call().run();
            calls += 100;
            now = System.nanoTime();
        } while (now < deadline);
        return (double) calls * c.bytes() / (now - start);
    }

    private static float[] random(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
