package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.InstanceNormDesc;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The onednn instance norm (group_normalization with G = C, batch_normalization inference from running statistics)
 * against the scalar path, every entry point, native and heap arguments.
 */
class OneDnnInstanceNormTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final Backend SCALAR = Backends.get("scalar");

    static Stream<Arguments> descriptors() {
        List<InstanceNormDesc> descs = List.of(
                InstanceNormDesc.of(Shape.of(2, 6, 5, 7)),
                InstanceNormDesc.of(Shape.of(3, 4, 37)).withAffine(true).withRunningStats(true),
                InstanceNormDesc.of(Shape.of(2, 5, 7, 32), ChannelLayout.NHWC).withScale(true),
                InstanceNormDesc.of(Shape.of(2, 3, 5, 6), ChannelLayout.NHWC).withAffine(true)
                        .withRunningStats(true).withMomentum(0.25f));
        List<Arguments> out = new ArrayList<>();
        for (InstanceNormDesc d : descs) {
            for (Placement p : Placement.values()) out.add(Arguments.of(d, p));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("descriptors")
    void everyEntryPointMatchesTheScalarPath(InstanceNormDesc d, Placement p) {
        assertTrue(ONEDNN.support(d).supported(), () -> ONEDNN.support(d).reason());
        int n = Math.toIntExact(d.shape().elementCount());
        int c = Math.toIntExact(d.channels());
        int stats = Math.toIntExact(d.batch() * c);
        boolean running = d.trackRunningStats();
        float[] x = Expect.uniform(1, n, -2, 3);
        float[] gamma = d.useScale() ? Expect.uniform(2, c, 0.5, 1.5) : null;
        float[] beta = d.useShift() ? Expect.uniform(3, c, -0.5, 0.5) : null;
        float[] dy = Expect.uniform(4, n, -1, 1);
        float[] runningMean = running ? Expect.uniform(5, c, -0.5, 0.5) : null;
        float[] runningVar = running ? Expect.uniform(6, c, 0.5, 2) : null;
        try (InstanceNormKernel onednn = ONEDNN.create(d); InstanceNormKernel scalar = SCALAR.create(d)) {
            assertEquals("onednn", onednn.path());
            float[] y = new float[n];
            float[] mean = new float[stats];
            float[] var = new float[stats];
            float[] rm = running ? runningMean.clone() : null;
            float[] rv = running ? runningVar.clone() : null;
            scalar.forwardTraining(x, y, gamma, beta, mean, var, rm, rv);
            MemorySegment gy = p.unwritten(n);
            MemorySegment gm = p.unwritten(stats);
            MemorySegment gv = p.unwritten(stats);
            MemorySegment grm = p.ofOptional(runningMean);
            MemorySegment grv = p.ofOptional(runningVar);
            onednn.forwardTraining(p.of(x), gy, p.ofOptional(gamma), p.ofOptional(beta), gm, gv, grm, grv);
            Expect.close(Expect.widen(y), gy, "training dst");
            Expect.close(Expect.widen(mean), gm, "mean");
            Expect.close(Expect.widen(var), gv, "variance");
            if (running) {
                Expect.close(Expect.widen(rm), grm, "running mean");
                Expect.close(Expect.widen(rv), grv, "running var");
            }

            float[] yi = new float[n];
            scalar.forward(x, yi, gamma, beta, rm, rv);
            MemorySegment gyi = p.unwritten(n);
            onednn.forward(p.of(x), gyi, p.ofOptional(gamma), p.ofOptional(beta), p.ofOptional(rm), p.ofOptional(rv));
            Expect.close(Expect.widen(yi), gyi, "inference dst");

            float[] dx = new float[n];
            float[] dg = d.useScale() ? new float[c] : null;
            float[] db = d.useShift() ? new float[c] : null;
            scalar.backward(x, dy, gamma, mean, var, dx, dg, db);
            MemorySegment gdx = p.unwritten(n);
            MemorySegment gdg = d.useScale() ? p.unwritten(c) : null;
            MemorySegment gdb = d.useShift() ? p.unwritten(c) : null;
            onednn.backward(p.of(x), p.of(dy), p.ofOptional(gamma), p.of(mean), p.of(var), gdx, gdg, gdb);
            Expect.close(Expect.widen(dx), gdx, "diffSrc");
            if (dg != null) Expect.close(Expect.widen(dg), gdg, "diffScale");
            if (db != null) Expect.close(Expect.widen(db), gdb, "diffShift");
        }
    }
}
