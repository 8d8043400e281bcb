package dev.normkit.conformance;

import dev.normkit.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs at which the piecewise-linear activations change piece, for their default parameters, each with its
 * two float neighbours: 0 (relu6, abs), 6 (relu6), +-1 (hardtanh, clip, clip_v2, leaky hardtanh), +-3 (hardsigmoid,
 * hardswish), -1.5 (hardswish' = 0), +-0.5 (the shrinks' lambd), +-(1 + k) (the inverse's corners, k the default
 * slope), and for round the halves (+-0.5, +-1.5, +-2.5, ... up to 2^22 + 0.5) and 2^23, where floats become integers.
 */
final class PiecewiseLinearKinks {
    private PiecewiseLinearKinks() {}

    private static final float[] VALUES = build();

    /** A copy of the values. */
    static float[] values() {
        return VALUES.clone();
    }

    private static float[] build() {
        double k = Activation.LEAKY_HARDTANH_INVERSE.defaultAlpha();
        float corner = (float) (1.0 + k); // 1 + k rounded: a neighbour of the exact corner, whose neighbours follow
        List<Float> centres = new ArrayList<>(List.of(0f, 6f, 1f, 3f, 1.5f, 0.5f, corner, 2.5f, 3.5f, 4.5f,
                0x1p22f + 0.5f, 0x1p22f + 1.5f, 0x1p23f - 0.5f, 0x1p23f, 0x1p23f + 1f, 0x1p24f));
        List<Float> out = new ArrayList<>();
        for (float c : centres) {
            for (float v : new float[] {c, Math.nextUp(c), Math.nextDown(c)}) {
                out.add(v);
                out.add(-v);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }
}
