package dev.normkit.conformance;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import java.util.Map;

/**
 * Where oneDNN 3.13's x64 JIT backward of {@code pow} and {@code square} forms an intermediate that leaves the float
 * range although the derivative does not: the elements the onednn path is excused from, on finite inputs, stated as
 * exact input sets (no ISA-specific list) and counted in the check's note. Pinned by {@code OneDnnPowConventionTest}.
 *
 * <ul>
 *   <li>pow (b not 0, 0.5 or 1): oneDNN computes {@code (a s^b) / s}, times b, and only then times dd, so where any of
 *       {@code a s^b}, {@code a s^(b-1)} or the derivative {@code a b s^(b-1)} overflows, is subnormal or is 0 in f32
 *       (outside [MIN_NORMAL, MAX_VALUE] in magnitude, s = +-0 included), what it returns is inf, imprecise or 0/0,
 *       while {@code dd a b s^(b-1)} may well be a normal float.</li>
 *   <li>pow with b = 0.5: oneDNN computes {@code 0.5 a / sqrt s}, which is -inf at s = -0, where IEEE pow (and
 *       torch.pow's gradient {@code 0.5 pow(s, -0.5)}) gives +inf: s = -0 only.</li>
 *   <li>square: oneDNN computes {@code dd (2 s)}, and 2s overflows for |s| &gt;= 2^127 where {@code 2 s dd} need not.</li>
 * </ul>
 */
final class OneDnnPowerDerivatives {
    private OneDnnPowerDerivatives() {}

    /** 2 s overflows f32 from here on. */
    private static final float SQUARE_DOUBLING_OVERFLOWS = 0x1p127f;

    /**
     * Adds the excused diff_src elements of a pow or square backward case on finite src to {@code masks} (copying any
     * mask it changes) and returns how many it added, 0 for every other case.
     */
    static int excuse(ConformanceCase c, CaseData data, Map<String, boolean[]> masks) {
        if (c.direction() != Direction.BACKWARD || !(c.desc() instanceof ActivationDesc d)) return 0;
        if (d.activation() != Activation.POW && d.activation() != Activation.SQUARE) return 0;
        float[] src = data.inputs().get("src");
        boolean[] before = masks.get("diff_src");
        boolean[] m = before == null ? new boolean[src.length] : before.clone();
        int added = 0;
        for (int i = 0; i < src.length; i++) {
            if (m[i] || !Float.isFinite(src[i]) || !excused(d, src[i])) continue;
            m[i] = true;
            added++;
        }
        if (added > 0) masks.put("diff_src", m);
        return added;
    }

    static String reason(int count) {
        return count + " pow/square backward elements excused where oneDNN's intermediate (a s^b, or 2s) leaves the "
                + "normal float range, or pow b = 0.5 at s = -0 (OneDnnPowerDerivatives)";
    }

    /** Whether oneDNN's backward at this finite s is excused (see the class comment). */
    static boolean excused(ActivationDesc d, float s) {
        if (d.activation() == Activation.SQUARE) return Math.abs(s) >= SQUARE_DOUBLING_OVERFLOWS;
        double a = d.alpha();
        double b = d.beta();
        if (b == 0 || b == 1 || a == 0) return false;
        if (b == 0.5) return s == 0 && 1 / s < 0;
        double forward = Math.abs(a * Math.pow(s, b));
        double quotient = forward / Math.abs(s);
        return !normal(forward) || !normal(quotient) || !normal(Math.abs(b) * quotient);
    }

    private static boolean normal(double magnitude) {
        return magnitude >= Float.MIN_NORMAL && magnitude <= Float.MAX_VALUE;
    }
}
