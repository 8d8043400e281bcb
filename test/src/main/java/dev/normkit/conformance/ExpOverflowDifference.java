package dev.normkit.conformance;

import dev.normkit.Activation;
import java.util.Map;

/**
 * The one onednn excusal of the exponential family: exp backward where e^s overflows f32. oneDNN 3.13 computes
 * {@code dy * e^s} with e^s formed first, so from s > ln(MAX_VALUE) = 88.72 on it returns +-inf (or NaN for dy = 0)
 * where the exact product with a small dy is a finite float (reference 4.5e37 at s = 88.9, dy = 0.3). The Java paths
 * are held to the product (the vector path forms it as (dy e^(s/2)) e^(s/2)). Exact inputs only: the elements whose
 * finite s is above 88.72, counted in the check's note; {@code OneDnnActivationTest} pins what oneDNN returns there.
 */
final class ExpOverflowDifference {
    private ExpOverflowDifference() {}

    /** ln(Float.MAX_VALUE): above it e^s is +inf in f32. */
    static final double EXP_OVERFLOWS = Math.log(Float.MAX_VALUE);

    /**
     * For an exp backward case, adds the overflowing elements to {@code masks} (the special-value masks, shared per
     * output) and returns the exclusion with its reason and count (special-value exclusions are counted by the
     * caller); null for every other case or where no element overflows.
     */
    static OneDnnDifferences.Exclusion forCase(ConformanceCase c, CaseData data,
            Map<String, boolean[]> masks) {
        if (c.kernel().activation().orElse(null) != Activation.EXP || c.direction() != Direction.BACKWARD) return null;
        float[] src = data.inputs().get("src");
        boolean[] special = masks.get("diff_src"); // elements already excused by the special-value policy
        boolean[] overflow = new boolean[src.length];
        int n = 0;
        for (int i = 0; i < src.length; i++) {
            if (Float.isFinite(src[i]) && src[i] > EXP_OVERFLOWS && (special == null || !special[i])) {
                overflow[i] = true;
                n++;
            }
        }
        if (n == 0) return null;
        for (String output : data.expected().keySet()) {
            boolean[] mask = masks.get(output);
            if (mask == null) {
                masks.put(output, overflow);
                continue;
            }
            boolean[] merged = mask.clone();
            for (int i = 0; i < merged.length; i++) merged[i] |= overflow[i];
            masks.put(output, merged);
        }
        return new OneDnnDifferences.Exclusion(masks, n, n + " exp backward elements with s > 88.72 excused: oneDNN "
                + "forms e^s before dy e^s, which overflows there (test/CONFORMANCE.md)");
    }
}
