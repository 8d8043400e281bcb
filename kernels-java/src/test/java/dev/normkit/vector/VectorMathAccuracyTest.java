package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.normkit.ReferenceErf;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each {@link VectorMath} function against double over its whole domain: every 2^12-th float bit pattern of both signs
 * (subnormals, normals, up to MAX_VALUE), every 2^8-th subnormal, and the thresholds where results overflow,
 * underflow or saturate. The maximum error in ulps of the correctly rounded float must stay within the bound each
 * javadoc states, and special values must come out exactly. The sweep runs four times; by the later passes C2 has
 * compiled the loops (OSR), so both the Vector API's per-lane fallback and its SVML intrinsics are held to the bound.
 */
class VectorMathAccuracyTest {

    private static final float INF = Float.POSITIVE_INFINITY;

    /** A function, its double reference, its domain, its documented bound and its exact special values. */
    enum Function {
        EXP(Math::exp, 1, new float[][] {
            {0f, 1f}, {-0f, 1f}, {INF, INF}, {-INF, 0f}, {88.73f, INF}, {-104f, 0f}}),
        EXP_REPEATABLE(Math::exp, 1.5, new float[][] {
            {0f, 1f}, {-0f, 1f}, {INF, INF}, {-INF, 0f}, {88.73f, INF}, {-104f, 0f}, {-103.9f, Float.MIN_VALUE},
            {1f, (float) Math.E}, {-Float.MAX_VALUE, 0f}, {Float.MAX_VALUE, INF}, {Float.MIN_VALUE, 1f}}),
        EXPM1(Math::expm1, 1, new float[][] {
            {0f, 0f}, {-0f, -0f}, {INF, INF}, {-INF, -1f}, {-20f, -1f}, {88.73f, INF},
            {Float.MIN_VALUE, Float.MIN_VALUE}}),
        LOG(Math::log, 1, new float[][] {
            {1f, 0f}, {0f, -INF}, {-0f, -INF}, {INF, INF}, {-1f, Float.NaN}, {-INF, Float.NaN}}),
        LOG_REPEATABLE(Math::log, 1, new float[][] {
            {1f, 0f}, {0f, -INF}, {-0f, -INF}, {INF, INF}, {-1f, Float.NaN}, {-INF, Float.NaN},
            {Float.MIN_VALUE, (float) Math.log(Float.MIN_VALUE)}, {Float.MAX_VALUE, (float) Math.log(Float.MAX_VALUE)},
            {2f, (float) Math.log(2)}, {Float.NaN, Float.NaN}}),
        LOG1P(Math::log1p, 1, new float[][] {
            {0f, 0f}, {-0f, -0f}, {-1f, -INF}, {INF, INF}, {-2f, Float.NaN}, {Float.MIN_VALUE, Float.MIN_VALUE}}),
        TANH(Math::tanh, 1, new float[][] {
            {0f, 0f}, {-0f, -0f}, {INF, 1f}, {-INF, -1f}, {10f, 1f}, {-10f, -1f}}),
        SIGMOID(x -> 1 / (1 + Math.exp(-x)), 3, new float[][] {
            {0f, 0.5f}, {-0f, 0.5f}, {INF, 1f}, {-INF, 0f}, {20f, 1f}, {-104f, 0f}}),
        ERF(ReferenceErf::erf, 4, new float[][] {
            {0f, 0f}, {-0f, -0f}, {INF, 1f}, {-INF, -1f}, {3.8326f, 1f}, {-3.8326f, -1f}, {1e30f, 1f}}),
        NORMAL_TAIL(y -> ReferenceErf.erfc(y / Math.sqrt(2)) / 2,
                5, new float[][] {{0f, 0.5f}, {INF, 0f}, {14.5f, 0f}, {1e30f, 0f}}),
        HALF_GAUSSIAN(y -> Math.exp(-0.5 * y * y), 1, new float[][] {
            {0f, 1f}, {-0f, 1f}, {INF, 0f}, {-INF, 0f}, {15f, 0f}});

        final DoubleUnaryOperator reference;
        final double ulps;
        final float[][] specials;

        Function(DoubleUnaryOperator reference, double ulps, float[][] specials) {
            this.reference = reference;
            this.ulps = ulps;
            this.specials = specials;
        }

        /** normalTail is defined for y &gt;= 0 only; the rest take every float. */
        boolean inDomain(float x) {
            return this != NORMAL_TAIL || x >= 0 || Float.isNaN(x);
        }
    }

    @ParameterizedTest
    @EnumSource(Function.class)
    void maxUlpErrorOverEveryFloatIsWithinTheDocumentedBound(Function f) {
        float[] x = sweep(f);
        double[] reference = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            reference[i] = f.reference.applyAsDouble(x[i]);
        }
        float[] y = new float[x.length];
        double worst = 0;
        float worstAt = Float.NaN;
        for (int pass = 0; pass < 4; pass++) {
            apply(f, x, y);
            for (int i = 0; i < x.length; i++) {
                double e = ulpError(y[i], reference[i]);
                if (!(e <= f.ulps)) {
                    fail(f + "(" + x[i] + ") = " + y[i] + ", double gives " + reference[i] + ": " + e + " ulp on pass "
                            + pass + ", bound " + f.ulps);
                }
                if (e > worst) {
                    worst = e;
                    worstAt = x[i];
                }
            }
        }
        System.out.printf("%s: max %.3f ulp (at %s) over %d floats%n", f, worst, worstAt, x.length);
        assertTrue(worst > 0.25, f + ": a sweep this dense must reach rounding error, worst " + worst);
    }

    @ParameterizedTest
    @EnumSource(Function.class)
    void specialValuesAreExact(Function f) {
        float[][] table = f.specials;
        float[] x = new float[table.length + 1];
        for (int i = 0; i < table.length; i++) x[i] = table[i][0];
        x[table.length] = Float.NaN;
        float[] y = new float[x.length];
        apply(f, x, y);
        for (int i = 0; i < table.length; i++) {
            assertEquals(Float.floatToIntBits(table[i][1]), Float.floatToIntBits(y[i]),
                    f + "(" + x[i] + ") must be " + table[i][1] + ", got " + y[i]);
        }
        assertTrue(Float.isNaN(y[table.length]), f + "(NaN) must be NaN, got " + y[table.length]);
    }

    /**
     * Runs f over whole vectors, the last one padded (lanes are independent). Each function has its own loop calling it
     * directly on the constant species, as a kernel does: through a shared functional interface the call would be
     * megamorphic, C2 could not see the species, and the intrinsics would not be tested.
     */
    private static void apply(Function f, float[] x, float[] y) {
        int bulk = x.length - x.length % L;
        run(f, x, y, bulk);
        if (bulk < x.length) {
            float[] pad = new float[L];
            System.arraycopy(x, bulk, pad, 0, x.length - bulk);
            run(f, pad, pad, L);
            System.arraycopy(pad, 0, y, bulk, x.length - bulk);
        }
    }

    private static final VectorSpecies<Float> F = FloatSpecies.F;
    private static final int L = F.length();

    private static void run(Function f, float[] x, float[] y, int n) {
        switch (f) {
            case EXP -> {
                for (int i = 0; i < n; i += L) VectorMath.exp(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case EXP_REPEATABLE -> {
                for (int i = 0; i < n; i += L) {
                    VectorMath.expRepeatable(FloatVector.fromArray(F, x, i)).intoArray(y, i);
                }
            }
            case LOG_REPEATABLE -> {
                for (int i = 0; i < n; i += L) {
                    VectorMath.logRepeatable(FloatVector.fromArray(F, x, i)).intoArray(y, i);
                }
            }
            case EXPM1 -> {
                for (int i = 0; i < n; i += L) VectorMath.expm1(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case LOG -> {
                for (int i = 0; i < n; i += L) VectorMath.log(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case LOG1P -> {
                for (int i = 0; i < n; i += L) VectorMath.log1p(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case TANH -> {
                for (int i = 0; i < n; i += L) VectorMath.tanh(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i += L) VectorMath.sigmoid(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case ERF -> {
                for (int i = 0; i < n; i += L) VectorMath.erf(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
            case NORMAL_TAIL -> {
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(F, x, i);
                    VectorMath.normalTail(v, VectorMath.halfGaussian(v)).intoArray(y, i);
                }
            }
            case HALF_GAUSSIAN -> {
                for (int i = 0; i < n; i += L) VectorMath.halfGaussian(FloatVector.fromArray(F, x, i)).intoArray(y, i);
            }
        }
    }

    /**
     * |got - exact| in ulps of the float nearest the exact value; 0 where both are the same infinity or both NaN,
     * infinite where only one is.
     */
    static double ulpError(float got, double exact) {
        if (Double.isNaN(exact) || Float.isNaN(got)) {
            return Double.isNaN(exact) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rounded = (float) exact;
        if (Float.isInfinite(rounded) || Float.isInfinite(got)) {
            if (got == rounded) return 0;
            if (Float.isInfinite(got) && !Float.isInfinite(rounded)) return Double.POSITIVE_INFINITY;
            // exact beyond MAX_VALUE, got finite: measure against the largest float's ulp
            return Math.abs(got - exact) / Math.ulp(Float.MAX_VALUE);
        }
        return Math.abs(got - exact) / Math.ulp(rounded);
    }

    private static float[] sweep(Function f) {
        int step = 1 << 12;
        int subnormalStep = 1 << 8;
        int max = Float.floatToRawIntBits(Float.MAX_VALUE);
        float[] thresholds = {88.72283f, 88.7228f, -87.33655f, -103.27893f, -103.972f, 3.8325f, 3.8326f, 13.9f, 14f,
            -1f, -0.99999994f, Float.MIN_NORMAL, Float.MAX_VALUE, Float.MIN_VALUE, 1f, 0.5f, 2f};
        int count = 2 * (max / step + 1) + 2 * (0x800000 / subnormalStep) + 2 * thresholds.length;
        float[] x = new float[count];
        int n = 0;
        for (int sign = 0; sign < 2; sign++) {
            for (int bits = 0; bits >= 0 && bits <= max; bits += step) {
                x[n++] = sign(Float.intBitsToFloat(bits), sign);
            }
            for (int bits = 1; bits < 0x800000; bits += subnormalStep) {
                x[n++] = sign(Float.intBitsToFloat(bits), sign);
            }
            for (float t : thresholds) {
                x[n++] = sign(t, sign);
            }
        }
        float[] kept = new float[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (f.inDomain(x[i])) kept[m++] = x[i];
        }
        return java.util.Arrays.copyOf(kept, m);
    }

    private static float sign(float x, int negative) {
        return negative == 1 ? -x : x;
    }
}
