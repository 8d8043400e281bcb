package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.Support;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The onednn batch norm against the scalar path (itself held to a double reference in kernels-java), on every entry
 * point: inference and training forward (with the running statistics), backward from batch statistics, and backward
 * with global statistics, which the conformance directions do not cover.
 */
class OneDnnBatchNormTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final Backend SCALAR = Backends.get("scalar");

    static Stream<Arguments> descriptors() {
        List<BatchNormDesc> descs = List.of(
                BatchNormDesc.of(Shape.of(9, 37)),
                BatchNormDesc.of(Shape.of(2, 5, 6, 7)),
                BatchNormDesc.of(Shape.of(2, 6, 7, 5), ChannelLayout.NHWC).withShift(false),
                BatchNormDesc.of(Shape.of(3, 4, 11)).withScale(false).withShift(false),
                BatchNormDesc.of(Shape.of(2, 3, 2, 3, 4), ChannelLayout.NHWC),
                BatchNormDesc.of(Shape.of(4, 5, 7, 9)).withFusedRelu(true), // 1260 bytes of workspace: whole floats
                BatchNormDesc.of(Shape.of(4, 6, 8, 16), ChannelLayout.NHWC).withFusedRelu(true).withEps(0.25f));
        List<Arguments> out = new ArrayList<>();
        for (BatchNormDesc d : descs) {
            for (Placement p : Placement.values()) out.add(Arguments.of(d, p));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("descriptors")
    void everyEntryPointMatchesTheScalarPath(BatchNormDesc d, Placement p) {
        assertTrue(ONEDNN.support(d).supported(), () -> ONEDNN.support(d).reason());
        int n = Math.toIntExact(d.shape().elementCount());
        int c = Math.toIntExact(d.channels());
        float[] x = Expect.uniform(1, n, -2, 3);
        float[] gamma = d.useScale() ? Expect.uniform(2, c, 0.5, 1.5) : null;
        float[] beta = d.useShift() ? Expect.uniform(3, c, -0.5, 0.5) : null;
        float[] dy = Expect.uniform(4, n, -1, 1);
        float[] runningMean = Expect.uniform(5, c, -1, 1);
        float[] runningVar = Expect.uniform(6, c, 0.5, 2);
        try (BatchNormKernel onednn = ONEDNN.create(d); BatchNormKernel scalar = SCALAR.create(d)) {
            float[] y = new float[n];
            float[] mean = new float[c];
            float[] var = new float[c];
            float[] rm = runningMean.clone();
            float[] rv = runningVar.clone();
            scalar.forwardTraining(x, y, gamma, beta, mean, var, rm, rv);

            MemorySegment gy = p.unwritten(n);
            MemorySegment gm = p.unwritten(c);
            MemorySegment gv = p.unwritten(c);
            MemorySegment grm = p.of(runningMean);
            MemorySegment grv = p.of(runningVar);
            onednn.forwardTraining(p.of(x), gy, p.ofOptional(gamma), p.ofOptional(beta), gm, gv, grm, grv);
            Expect.close(Expect.widen(y), gy, "training dst");
            Expect.close(Expect.widen(mean), gm, "mean");
            Expect.close(Expect.widen(var), gv, "variance");
            Expect.close(Expect.widen(rm), grm, "running mean");
            Expect.close(Expect.widen(rv), grv, "running var");

            float[] yi = new float[n];
            scalar.forward(x, yi, gamma, beta, runningMean, runningVar);
            MemorySegment gyi = p.unwritten(n);
            onednn.forward(p.of(x), gyi, p.ofOptional(gamma), p.ofOptional(beta), p.of(runningMean),
                    p.of(runningVar));
            Expect.close(Expect.widen(yi), gyi, "inference dst");

            float[] dst = d.fuseRelu() ? y : null;
            for (boolean global : new boolean[] {false, true}) {
                float[] dx = new float[n];
                float[] dg = d.useScale() ? new float[c] : null;
                float[] db = d.useShift() ? new float[c] : null;
                MemorySegment gdx = p.unwritten(n);
                MemorySegment gdg = d.useScale() ? p.unwritten(c) : null;
                MemorySegment gdb = d.useShift() ? p.unwritten(c) : null;
                if (global) {
                    scalar.backwardGlobalStats(x, dy, gamma, mean, var, dst, dx, dg, db);
                    onednn.backwardGlobalStats(p.of(x), p.of(dy), p.ofOptional(gamma), p.of(mean), p.of(var),
                            p.ofOptional(dst), gdx, gdg, gdb);
                } else {
                    scalar.backward(x, dy, gamma, mean, var, dst, dx, dg, db);
                    onednn.backward(p.of(x), p.of(dy), p.ofOptional(gamma), p.of(mean), p.of(var),
                            p.ofOptional(dst), gdx, gdg, gdb);
                }
                String what = global ? "global-stats " : "";
                Expect.close(Expect.widen(dx), gdx, what + "diffSrc");
                if (dg != null) Expect.close(Expect.widen(dg), gdg, what + "diffScale");
                if (db != null) Expect.close(Expect.widen(db), gdb, what + "diffShift");
            }
        }
    }

    @Test
    void fusedReluWithAByteSizedWorkspaceIsUnsupportedWithTheReason() {
        // 945 elements: oneDNN's plain-layout kernel keeps a byte per element, not a whole number of floats
        Support s = ONEDNN.support(BatchNormDesc.of(Shape.of(3, 5, 7, 9)).withFusedRelu(true));
        assertFalse(s.supported());
        assertTrue(s.reason().contains("workspace"), s.reason());
    }
}
