package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayerNormForwardTest {

    private static final int ROWS = 37;
    private static final int C = 129; // one past a multiple of 8 and 16: the vector tail runs
    private static final float EPS = 1e-5f;
    private static final double TOLERANCE = 1e-6;

    private static DnnlEngine engine;
    private static DnnlStream stream;

    @BeforeAll
    static void open() {
        engine = DnnlEngine.cpu();
        stream = DnnlStream.create(engine);
    }

    @AfterAll
    static void close() {
        stream.close();
        engine.close();
    }

    /** Per-row mean and biased variance in double. */
    private static double[][] stats(float[] x) {
        double[] mean = new double[ROWS];
        double[] var = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double sum = 0;
            for (int c = 0; c < C; c++) {
                sum += x[r * C + c];
            }
            mean[r] = sum / C;
            double sq = 0;
            for (int c = 0; c < C; c++) {
                double d = x[r * C + c] - mean[r];
                sq += d * d;
            }
            var[r] = sq / C;
        }
        return new double[][] {mean, var};
    }

    private record Outputs(float[] dst, float[] mean, float[] variance) {}

    private static Outputs run(PropKind prop, Set<NormFlag> flags, float[] x, float[] gamma, float[] beta) {
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, ROWS, C);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.layerNormForward(engine, prop, md, md, null, EPS, flags);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            MemorySegment dst = NativeFloats.zeros(arena, (long) ROWS * C);
            MemorySegment mean = NativeFloats.zeros(arena, ROWS);
            MemorySegment variance = NativeFloats.zeros(arena, ROWS);
            primitive.bind(ExecArg.SRC).setData(NativeFloats.of(arena, x));
            primitive.bind(ExecArg.DST).setData(dst);
            if (flags.contains(NormFlag.USE_SCALE)) {
                primitive.bind(ExecArg.SCALE).setData(NativeFloats.of(arena, gamma));
            }
            if (flags.contains(NormFlag.USE_SHIFT)) {
                primitive.bind(ExecArg.SHIFT).setData(NativeFloats.of(arena, beta));
            }
            if (prop == PropKind.FORWARD_TRAINING) {
                if (!flags.contains(NormFlag.RMS_NORM)) {
                    primitive.bind(ExecArg.MEAN).setData(mean);
                }
                primitive.bind(ExecArg.VARIANCE).setData(variance);
            }
            primitive.execute(stream);
            return new Outputs(NativeFloats.read(dst), NativeFloats.read(mean), NativeFloats.read(variance));
        }
    }

    @Test
    void trainingForwardWithScaleAndShiftMatchesJavaAndSavesMeanAndVariance() {
        float[] x = NativeFloats.uniform(1, ROWS * C, -2f, 3f);
        float[] gamma = NativeFloats.uniform(2, C, 0.5f, 1.5f);
        float[] beta = NativeFloats.uniform(3, C, -0.5f, 0.5f);
        Outputs out = run(PropKind.FORWARD_TRAINING, EnumSet.of(NormFlag.USE_SCALE, NormFlag.USE_SHIFT), x, gamma,
                beta);
        double[][] stats = stats(x);
        for (int r = 0; r < ROWS; r++) {
            assertEquals(stats[0][r], out.mean[r], TOLERANCE, "mean of row " + r);
            // oneDNN saves the biased variance, not 1/sqrt(var + eps)
            assertEquals(stats[1][r], out.variance[r], TOLERANCE, "variance of row " + r);
            double rstd = 1 / Math.sqrt(stats[1][r] + EPS);
            for (int c = 0; c < C; c++) {
                double expected = (x[r * C + c] - stats[0][r]) * rstd * gamma[c] + beta[c];
                assertEquals(expected, out.dst[r * C + c], TOLERANCE, "dst[" + r + "][" + c + "]");
            }
        }
    }

    @Test
    void inferenceForwardGivesTheTrainingOutputWithoutStatistics() {
        float[] x = NativeFloats.uniform(4, ROWS * C, -1f, 1f);
        float[] gamma = NativeFloats.uniform(5, C, 0.5f, 1.5f);
        float[] beta = NativeFloats.uniform(6, C, -0.5f, 0.5f);
        Set<NormFlag> flags = EnumSet.of(NormFlag.USE_SCALE, NormFlag.USE_SHIFT);
        Outputs inference = run(PropKind.FORWARD_INFERENCE, flags, x, gamma, beta);
        double[][] stats = stats(x);
        for (int r = 0; r < ROWS; r++) {
            double rstd = 1 / Math.sqrt(stats[1][r] + EPS);
            for (int c = 0; c < C; c++) {
                double expected = (x[r * C + c] - stats[0][r]) * rstd * gamma[c] + beta[c];
                assertEquals(expected, inference.dst[r * C + c], TOLERANCE, "dst[" + r + "][" + c + "]");
            }
            assertEquals(0f, inference.variance[r], "inference must not write statistics");
        }
    }

    @Test
    void rmsNormFlagStoresTheMeanOfSquaresInVariance() {
        float[] x = NativeFloats.uniform(7, ROWS * C, -2f, 3f);
        float[] gamma = NativeFloats.uniform(8, C, 0.5f, 1.5f);
        Outputs out = run(PropKind.FORWARD_TRAINING, EnumSet.of(NormFlag.RMS_NORM, NormFlag.USE_SCALE), x, gamma,
                null);
        for (int r = 0; r < ROWS; r++) {
            double squares = 0;
            for (int c = 0; c < C; c++) {
                squares += (double) x[r * C + c] * x[r * C + c];
            }
            double meanOfSquares = squares / C;
            assertEquals(meanOfSquares, out.variance[r], TOLERANCE * Math.max(1, meanOfSquares),
                    "mean of squares of row " + r);
            double inverseRms = 1 / Math.sqrt(meanOfSquares + EPS);
            for (int c = 0; c < C; c++) {
                assertEquals(x[r * C + c] * inverseRms * gamma[c], out.dst[r * C + c], TOLERANCE,
                        "dst[" + r + "][" + c + "]");
            }
        }
    }
}
