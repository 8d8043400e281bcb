package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.GroupNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The onednn group norm against the scalar path (itself held to a double reference in kernels-java). */
class OneDnnGroupNormTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final Backend SCALAR = Backends.get("scalar");

    static Stream<Arguments> descriptors() {
        List<GroupNormDesc> descs = List.of(
                GroupNormDesc.of(Shape.of(5, 12), 3), // N x C: oneDNN runs it as N x C x 1
                GroupNormDesc.of(Shape.of(2, 6, 5, 7), 2),
                GroupNormDesc.of(Shape.of(3, 4, 37), 4).withShift(false),
                GroupNormDesc.of(Shape.of(2, 5, 7, 32), ChannelLayout.NHWC, 8),
                GroupNormDesc.of(Shape.of(2, 3, 5, 6), ChannelLayout.NHWC, 2).withScale(false).withShift(false));
        List<Arguments> out = new ArrayList<>();
        for (GroupNormDesc d : descs) {
            for (Placement p : Placement.values()) out.add(Arguments.of(d, p));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("descriptors")
    void everyEntryPointMatchesTheScalarPath(GroupNormDesc d, Placement p) {
        assertTrue(ONEDNN.support(d).supported(), () -> ONEDNN.support(d).reason());
        int n = Math.toIntExact(d.shape().elementCount());
        int c = Math.toIntExact(d.channels());
        int stats = Math.toIntExact(d.batch() * d.groups());
        float[] x = Expect.uniform(1, n, -2, 3);
        float[] gamma = d.useScale() ? Expect.uniform(2, c, 0.5, 1.5) : null;
        float[] beta = d.useShift() ? Expect.uniform(3, c, -0.5, 0.5) : null;
        float[] dy = Expect.uniform(4, n, -1, 1);
        try (GroupNormKernel onednn = ONEDNN.create(d); GroupNormKernel scalar = SCALAR.create(d)) {
            float[] y = new float[n];
            float[] mean = new float[stats];
            float[] var = new float[stats];
            scalar.forwardTraining(x, y, gamma, beta, mean, var);
            MemorySegment gy = p.unwritten(n);
            MemorySegment gm = p.unwritten(stats);
            MemorySegment gv = p.unwritten(stats);
            onednn.forwardTraining(p.of(x), gy, p.ofOptional(gamma), p.ofOptional(beta), gm, gv);
            Expect.close(Expect.widen(y), gy, "training dst");
            Expect.close(Expect.widen(mean), gm, "mean");
            Expect.close(Expect.widen(var), gv, "variance");

            MemorySegment gyi = p.unwritten(n);
            onednn.forward(p.of(x), gyi, p.ofOptional(gamma), p.ofOptional(beta));
            Expect.close(Expect.widen(y), gyi, "inference dst");

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
