package dev.normkit.vector;

import dev.normkit.Backends;
import dev.normkit.LrnDesc;
import dev.normkit.LrnKernel;
import dev.normkit.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs the vector LRN's streamed loops hot, forward and backward, on float[] and on native segments in one JVM, for
 * {@link CompiledPathTest} to read the JIT log of: beta 0.75 with a five-row window (the unrolled loops), beta 0.5 (POW
 * and the loops over a window of any length) and size 3, channels first and last. Prints "done" last.
 */
public final class HotLrn {
    private HotLrn() {}

    static final int CALLS = 400;

    public static void main(String[] args) {
        // 2 x 7 x 150: edge and inner channels, 150 positions (no whole number of vectors at any width).
        LrnDesc base = LrnDesc.of(Shape.of(2, 7, 150)).withAlpha(1f);
        // Channels last (2 x 150 x 7) runs the same loops over blocks of positions.
        LrnDesc last = LrnDesc.of(Shape.of(2, 150, 7), dev.normkit.ChannelLayout.NHWC).withAlpha(1f);
        LrnDesc[] descs = {base, base.withBeta(0.5f), base.withLocalSize(3), last, last.withLocalSize(4)};
        int n = 2 * 7 * 150;
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(i * 0.1);
            dy[i] = 1f - 0.001f * i;
        }
        float[] y = new float[n];
        float sink = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(n * 4L, 64).copyFrom(MemorySegment.ofArray(x));
            MemorySegment up = arena.allocate(n * 4L, 64).copyFrom(MemorySegment.ofArray(dy));
            MemorySegment out = arena.allocate(n * 4L, 64);
            for (LrnDesc d : descs) {
                LrnKernel k = Backends.get("vector").create(d);
                for (int call = 0; call < CALLS; call++) {
                    k.forward(x, y);
                    k.forward(src, out);
                    k.backward(x, dy, y);
                    k.backward(src, up, out);
                }
                sink += y[n - 1] + out.get(ValueLayout.JAVA_FLOAT, 0);
            }
        }
        System.out.println("done " + sink);
    }
}
