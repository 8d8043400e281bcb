package dev.normkit.conformance;

import dev.normkit.Activation;
import java.util.Map;

/**
 * oneDNN's hardsigmoid and hardswish backward differ from PyTorch's at a few exact inputs, excused on the onednn path
 * only, for those inputs only (OneDnnHardKinksTest in kernels-native pins what oneDNN 3.13 returns there).
 *
 * <p>oneDNN picks the piece from {@code v = alpha s + beta = s/6 + 1/2} rounded in f32 ({@code v <= 0}: 0,
 * {@code v >= 1}: the upper piece), PyTorch from s itself. At s = -3 and 3 that moves the kink into the other piece for
 * hardswish (oneDNN 0 and 1 where PyTorch's derivative is -1/2 and 3/2); and at s = 3 - ulp, s/6 + 1/2 rounds to
 * exactly 1, so oneDNN takes the upper piece there too (hardsigmoid' 0 instead of 1/6, hardswish' 1 instead of
 * about 3/2). Everywhere else, both agree.
 */
final class OneDnnHardKinks {
    private OneDnnHardKinks() {}

    private static final float BELOW_THREE = Math.nextDown(3f);

    /** Whether oneDNN's backward of {@code a} differs from PyTorch's convention at input s. */
    static boolean differs(Activation a, float s) {
        return switch (a) {
            case HARDSIGMOID -> s == BELOW_THREE;
            case HARDSWISH -> s == -3f || s == BELOW_THREE || s == 3f;
            default -> false;
        };
    }

    /**
     * Adds the elements of a hardsigmoid or hardswish backward case whose src is one of those inputs to the diff_src
     * mask; returns how many it added (0 for every other case).
     */
    static int excuse(ConformanceCase c, CaseData data, Map<String, boolean[]> masks) {
        Activation a = c.kernel().activation().orElse(null);
        if (a == null || c.direction() != Direction.BACKWARD) return 0;
        float[] src = data.inputs().get("src");
        boolean[] before = masks.get("diff_src");
        boolean[] mask = before == null ? new boolean[src.length] : before.clone();
        int added = 0;
        for (int i = 0; i < src.length; i++) {
            if (!mask[i] && differs(a, src[i])) {
                mask[i] = true;
                added++;
            }
        }
        if (added > 0) masks.put("diff_src", mask);
        return added;
    }
}
