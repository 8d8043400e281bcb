package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins what oneDNN 3.13's RMS norm backward computes, because {@code OneDnnRmsNorm} corrects it: diff_src keeps layer
 * norm's {@code -mean(g)} term. If this test fails after a oneDNN upgrade, oneDNN has fixed its gradient: remove the
 * correction in {@code OneDnnRmsNorm} (its tests will fail too).
 */
class RmsNormBackwardQuirkTest {

    private static final int ROWS = 3;
    private static final int C = 24;
    private static final float EPS = 1e-5f;

    @Test
    void rmsNormBackwardSubtractsTheMeanOfTheScaledGradientAsLayerNormDoes() {
        float[] x = NativeFloats.uniform(51, ROWS * C, -1f, 1f);
        float[] dy = NativeFloats.uniform(52, ROWS * C, -1f, 1f);
        float[] gamma = NativeFloats.uniform(53, C, 0.5f, 1.5f);
        float[] meanOfSquares = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double s = 0;
            for (int c = 0; c < C; c++) s += (double) x[r * C + c] * x[r * C + c];
            meanOfSquares[r] = (float) (s / C);
        }
        Set<NormFlag> flags = EnumSet.of(NormFlag.RMS_NORM, NormFlag.USE_SCALE);
        float[] diffSrc;
        try (Arena arena = Arena.ofConfined();
                DnnlEngine engine = DnnlEngine.cpu();
                DnnlStream stream = DnnlStream.create(engine);
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, ROWS, C);
                DnnlPrimitiveDesc forward = DnnlPrimitiveDesc.layerNormForward(engine, PropKind.FORWARD_TRAINING, md,
                        md, null, EPS, flags);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.layerNormBackward(engine, PropKind.BACKWARD, md, md, md, null,
                        EPS, flags, forward);
                DnnlPrimitive backward = DnnlPrimitive.create(pd)) {
            MemorySegment out = NativeFloats.zeros(arena, ROWS * C);
            backward.bind(ExecArg.SRC).setData(NativeFloats.of(arena, x));
            backward.bind(ExecArg.DIFF_DST).setData(NativeFloats.of(arena, dy));
            backward.bind(ExecArg.SCALE).setData(NativeFloats.of(arena, gamma));
            backward.bind(ExecArg.VARIANCE).setData(NativeFloats.of(arena, meanOfSquares));
            backward.bind(ExecArg.DIFF_SRC).setData(out);
            backward.bind(ExecArg.DIFF_SCALE).setData(NativeFloats.zeros(arena, C));
            backward.execute(stream);
            diffSrc = NativeFloats.read(out);
        }
        for (int r = 0; r < ROWS; r++) {
            double rstd = 1 / Math.sqrt(meanOfSquares[r] + EPS);
            double sumG = 0, sumGXhat = 0;
            for (int c = 0; c < C; c++) {
                double g = dy[r * C + c] * gamma[c];
                sumG += g;
                sumGXhat += g * x[r * C + c] * rstd;
            }
            for (int c = 0; c < C; c++) {
                double g = dy[r * C + c] * gamma[c];
                double xhat = x[r * C + c] * rstd;
                double rmsGradient = rstd * (g - xhat * sumGXhat / C);
                double withLayerNormTerm = rmsGradient - rstd * sumG / C;
                assertEquals(withLayerNormTerm, diffSrc[r * C + c], 1e-5,
                        "diffSrc[" + r + "][" + c + "] (the true RMS norm gradient is " + rmsGradient + ")");
            }
        }
    }
}
