package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Pins what oneDNN 3.13's gelu tanh backward computes on huge finite inputs, because {@code OneDnnActivation} clamps
 * its src to +-1e6 first: beyond about +1.5e13 / -1.2e13 the result is NaN (an s^3 intermediate overflows), where the
 * derivative is exactly 1 / 0. At the clamp the result is exact. If the first assertion fails after a oneDNN upgrade,
 * oneDNN has fixed it: drop the clamp (and its extra pass) from {@code OneDnnActivation}.
 */
class GeluTanhBackwardQuirkTest {

    @Test
    void geluTanhBackwardIsNanForHugeFiniteInputsAndExactAtTheClamp() {
        float[] s = {1.5e13f, -1.2e13f, Float.MAX_VALUE, 1e6f, -1e6f};
        float[] dy = {0.75f, 0.75f, 0.75f, 0.75f, 0.75f};
        float[] got;
        try (Arena arena = Arena.ofConfined();
                DnnlEngine engine = DnnlEngine.cpu();
                DnnlStream stream = DnnlStream.create(engine);
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, s.length);
                DnnlPrimitiveDesc hint = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_TRAINING,
                        EltwiseAlg.GELU_TANH, md, md, 0f, 0f);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseBackward(engine, EltwiseAlg.GELU_TANH, md, md, md, 0f,
                        0f, hint);
                DnnlPrimitive backward = DnnlPrimitive.create(pd)) {
            MemorySegment out = NativeFloats.zeros(arena, s.length);
            backward.bind(ExecArg.SRC).setData(NativeFloats.of(arena, s));
            backward.bind(ExecArg.DIFF_DST).setData(NativeFloats.of(arena, dy));
            backward.bind(ExecArg.DIFF_SRC).setData(out);
            backward.execute(stream);
            got = NativeFloats.read(out);
        }
        for (int i = 0; i < 3; i++) assertTrue(Float.isNaN(got[i]), "s = " + s[i] + " gave " + got[i]);
        assertEquals(0.75f, got[3], "gelu_tanh'(1e6) = 1");
        assertEquals(0f, Math.abs(got[4]), "gelu_tanh'(-1e6) = 0");
    }
}
