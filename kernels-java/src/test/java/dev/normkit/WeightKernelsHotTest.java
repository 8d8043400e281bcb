package dev.normkit;

import static dev.normkit.Close.assertClose;
import static dev.normkit.WeightNormKernelTest.floor;
import static dev.normkit.WeightNormKernelTest.normal;
import static dev.normkit.WeightNormKernelTest.widen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * As {@link HotKernelTest}, for the weight reparameterizations: the vector kernels run many times on a small awkward
 * shape, on {@code float[]} and native arguments in turn, and are checked against the scalar path's results along the
 * way, so code that goes wrong only once C2 has compiled it is caught.
 */
class WeightKernelsHotTest {

    private static final int CALLS = 16_000;
    private static final int CHECK_EVERY = 4_000;
    private static final int ROWS = 7;
    private static final int COLS = 37;
    private static final int N = ROWS * COLS;

    @Test
    void weightNormStaysCorrectWhenHot() {
        WeightNormDesc d = WeightNormDesc.of(Shape.of(ROWS, COLS));
        SplittableRandom rnd = new SplittableRandom(5);
        float[] v = normal(rnd, N), g = normal(rnd, ROWS), dw = normal(rnd, N);
        float[] w0 = new float[N], norm0 = new float[ROWS], dv0 = new float[N], dg0 = new float[ROWS];
        WeightNormKernel scalar = Backends.get("scalar").create(d);
        scalar.forwardTraining(v, g, w0, norm0);
        scalar.backward(v, g, norm0, dw, dv0, dg0);
        WeightNormKernel k = Backends.get("vector").create(d);
        float[] w = new float[N], norm = new float[ROWS], dv = new float[N], dg = new float[ROWS];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nv = WeightNormKernelTest.copy(arena, v), ng = WeightNormKernelTest.copy(arena, g);
            MemorySegment nNorm = WeightNormKernelTest.copy(arena, norm0), ndw = WeightNormKernelTest.copy(arena, dw);
            MemorySegment nw = out(arena, N), nNormOut = out(arena, ROWS), ndv = out(arena, N), ndg = out(arena, ROWS);
            for (int call = 1; call <= CALLS; call++) {
                k.forwardTraining(v, g, w, norm);
                k.backward(v, g, norm0, dw, dv, dg);
                k.forwardTraining(nv, ng, nw, nNormOut);
                k.backward(nv, ng, nNorm, ndw, ndv, ndg);
                if (call % CHECK_EVERY == 0) {
                    String what = "call " + call;
                    assertClose(what + " w", widen(w0), w, 1e-6, 0);
                    assertClose(what + " norm", widen(norm0), norm, 1e-6, 0);
                    assertClose(what + " diffV", widen(dv0), dv, 1e-5, floor(dv0));
                    assertClose(what + " diffG", widen(dg0), dg, 1e-5, floor(dg0));
                    assertClose(what + " native w", widen(w0), nw.toArray(ValueLayout.JAVA_FLOAT), 1e-6, 0);
                    assertClose(what + " native diffV", widen(dv0), ndv.toArray(ValueLayout.JAVA_FLOAT), 1e-5,
                            floor(dv0));
                    assertClose(what + " native diffG", widen(dg0), ndg.toArray(ValueLayout.JAVA_FLOAT), 1e-5,
                            floor(dg0));
                }
            }
        }
    }

    @Test
    void spectralNormStaysCorrectWhenHot() {
        SpectralNormDesc d = SpectralNormDesc.of(Shape.of(ROWS, COLS)).withPowerIterations(2);
        SplittableRandom rnd = new SplittableRandom(6);
        float[] src = normal(rnd, N), u0 = normal(rnd, ROWS), v0 = normal(rnd, COLS), dy = normal(rnd, N);
        float[] su = u0.clone(), sv = v0.clone(), sDst = new float[N], sSigma = new float[1], sDx = new float[N];
        SpectralNormKernel scalar = Backends.get("scalar").create(d);
        scalar.forwardTraining(src, su, sv, sDst, sSigma);
        scalar.backward(src, dy, su, sv, sSigma, sDx);
        SpectralNormKernel k = Backends.get("vector").create(d);
        float[] u = new float[ROWS], v = new float[COLS], dst = new float[N], sigma = new float[1], dx = new float[N];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nSrc = WeightNormKernelTest.copy(arena, src), ndy = WeightNormKernelTest.copy(arena, dy);
            MemorySegment nu = out(arena, ROWS), nv = out(arena, COLS), nDst = out(arena, N), nSigma = out(arena, 1);
            MemorySegment nDx = out(arena, N);
            MemorySegment fu = WeightNormKernelTest.copy(arena, su), fv = WeightNormKernelTest.copy(arena, sv);
            MemorySegment fSigma = WeightNormKernelTest.copy(arena, sSigma);
            for (int call = 1; call <= CALLS; call++) {
                // every training call starts from the same u and v
                System.arraycopy(u0, 0, u, 0, ROWS);
                System.arraycopy(v0, 0, v, 0, COLS);
                k.forwardTraining(src, u, v, dst, sigma);
                k.backward(src, dy, su, sv, sSigma, dx);
                MemorySegment.copy(u0, 0, nu, ValueLayout.JAVA_FLOAT, 0, ROWS);
                MemorySegment.copy(v0, 0, nv, ValueLayout.JAVA_FLOAT, 0, COLS);
                k.forwardTraining(nSrc, nu, nv, nDst, nSigma);
                k.backward(nSrc, ndy, fu, fv, fSigma, nDx);
                if (call % CHECK_EVERY == 0) {
                    String what = "call " + call;
                    assertClose(what + " u", widen(su), u, 1e-5, floor(su));
                    assertClose(what + " v", widen(sv), v, 1e-5, floor(sv));
                    assertClose(what + " sigma", widen(sSigma), sigma, 1e-5, 0);
                    assertClose(what + " dst", widen(sDst), dst, 1e-5, 0);
                    assertClose(what + " diffSrc", widen(sDx), dx, 1e-5, floor(sDx));
                    assertClose(what + " native u", widen(su), nu.toArray(ValueLayout.JAVA_FLOAT), 1e-5, floor(su));
                    assertClose(what + " native dst", widen(sDst), nDst.toArray(ValueLayout.JAVA_FLOAT), 1e-5, 0);
                    assertClose(what + " native diffSrc", widen(sDx), nDx.toArray(ValueLayout.JAVA_FLOAT), 1e-5,
                            floor(sDx));
                }
            }
        }
    }

    private static MemorySegment out(Arena arena, int floats) {
        return arena.allocate(ValueLayout.JAVA_FLOAT, floats);
    }
}
