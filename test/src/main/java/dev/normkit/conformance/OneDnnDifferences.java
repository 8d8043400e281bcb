package dev.normkit.conformance;

import dev.normkit.BatchNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import java.util.HashMap;
import java.util.Map;

/**
 * The special-value policy of the {@code onednn} path: which output elements the comparison does not hold to
 * normkit's NaN/infinity policy, and why. It depends on no ISA.
 *
 * <p>oneDNN documents no result for NaN or infinite inputs, and its JIT kernels differ there from ISA to ISA (measured
 * with oneDNN 3.13.0: on AVX2 relu maps NaN to 0 and log-softmax backward gives NaN for a row holding NaN; on
 * avx512_core_bf16 the same log-softmax backward gives +-inf, and gelu erf at +inf gives NaN). A list of exclusions
 * measured on one ISA fails on the next, so the rule is stated without one: <b>an output element that depends on a
 * NaN or infinite input value is excused on the onednn path</b>, whatever oneDNN returns there. Whether oneDNN agreed
 * with the policy anyway is still counted and reported in the check's note.
 *
 * <p>Everything computed from finite inputs only is compared strictly, on every path, NaN policy included, with one
 * exception stated by value: oneDNN's hardsigmoid and hardswish backward at s = -3, 3 - ulp and 3
 * ({@link OneDnnHardKinks}), measured the same at avx2 and avx512_core_bf16. The Java paths are never excused. Which outputs depend on which inputs is stated per kernel family below.
 */
final class OneDnnDifferences {
    private OneDnnDifferences() {}

    static final String PATH = "onednn";

    /** Per output, the elements excused from the comparison; {@link #NONE} when none is. */
    record Exclusion(Map<String, boolean[]> masks, int count, String reason) {

        /** The mask of one output, or null where nothing of it is excused. */
        boolean[] mask(String output) {
            return masks.get(output);
        }

        /** This exclusion's reason, with the count of special-value exclusions its masks also hold. */
        Exclusion withSpecialValues(int special) {
            if (special == 0) return this;
            return new Exclusion(masks, count + special, reason + "; and " + special + " output elements that depend "
                    + "on NaN or infinite inputs (onednn special-value policy)");
        }
    }

    static final Exclusion NONE = new Exclusion(Map.of(), 0, "");

    static Exclusion forCase(ConformanceCase c, CaseData data, String path) {
        if (!PATH.equals(path)) return NONE;
        Map<String, boolean[]> masks = switch (c.kernel().family()) {
            case ACTIVATION -> elementwise(data);
            case SOFTMAX, LOG_SOFTMAX -> rowwise(c, data);
            case LAYER_NORM, RMS_NORM -> normalization(c, data);
            case BATCH_NORM -> perChannel((BatchNormDesc) c.desc(), data);
            case GROUP_NORM -> perGroup((GroupNormDesc) c.desc(), data);
            case INSTANCE_NORM -> perInstance((InstanceNormDesc) c.desc(), data);
            case WEIGHT_NORM, SPECTRAL_NORM -> Map.of(); // onednn has neither: no case of theirs runs there
            // An LRN output depends on its row (RowLayout: the channels at its position, or its channel's plane).
            case LRN -> rowwise(c, data);
            // oneDNN has no p-norm primitive: the onednn path reports these unsupported and never runs them.
            case L2_NORMALIZE, DIVISIVE_NORM -> Map.of();
        };
        int n = 0;
        for (boolean[] m : masks.values()) n += count(m);
        Exclusion overflow = ExpOverflowDifference.forCase(c, data, masks);
        if (overflow != null) return overflow.withSpecialValues(n);
        masks = new HashMap<>(masks);
        int kinks = c.kernel().family() == KernelId.Family.ACTIVATION ? OneDnnHardKinks.excuse(c, data, masks) : 0;
        int power = OneDnnPowerDerivatives.excuse(c, data, masks);
        if (n + kinks + power == 0) return NONE;
        String reason = n == 0 ? "" : n + " output elements that depend on NaN or infinite inputs excused "
                + "(onednn special-value policy, ISA-independent: oneDNN specifies nothing there)";
        if (kinks > 0) {
            reason = (reason.isEmpty() ? "" : reason + "; ") + kinks + " at hardsigmoid/hardswish kinks (s = -3, "
                    + "3 - ulp, 3) excused: oneDNN picks the piece from s/6 + 1/2 rounded in f32, PyTorch from s";
        }
        if (power > 0) reason = (reason.isEmpty() ? "" : reason + "; ") + OneDnnPowerDerivatives.reason(power);
        return new Exclusion(masks, n + kinks + power, reason);
    }

    /** Activations: each output element depends on the same element of every input. */
    private static Map<String, boolean[]> elementwise(CaseData data) {
        boolean[] tainted = null;
        for (float[] in : data.inputs().values()) {
            if (tainted == null) tainted = new boolean[in.length];
            for (int i = 0; i < in.length; i++) tainted[i] |= !Float.isFinite(in[i]);
        }
        return sameMaskForAllOutputs(data, tainted);
    }

    /** Softmax and log-softmax: each output element depends on its whole row of every input (src, or dst and diff_dst). */
    private static Map<String, boolean[]> rowwise(ConformanceCase c, CaseData data) {
        RowLayout rows = RowLayout.of(c.desc());
        boolean[] tainted = new boolean[rows.size()];
        for (int r = 0; r < rows.rows(); r++) {
            boolean special = false;
            for (float[] in : data.inputs().values()) {
                for (int a = 0; a < rows.length() && !special; a++) special = !Float.isFinite(in[rows.index(r, a)]);
            }
            if (!special) continue;
            for (int a = 0; a < rows.length(); a++) tainted[rows.index(r, a)] = true;
        }
        return sameMaskForAllOutputs(data, tainted);
    }

    /**
     * Layer and RMS norm over rows of {@code cols}. A row is tainted by a non-finite value in its src or diff_dst row or
     * its saved mean/rstd; a column by a non-finite scale or shift. Then: dst and diff_src elements depend on their row
     * (statistics, and diff_src's row means of dy * gamma) and on the scale and shift (diff_src: the whole scale);
     * mean and rstd on their row; diff_shift[c] on column c of diff_dst; diff_scale[c] on column c of every row,
     * through each row's statistics.
     */
    private static Map<String, boolean[]> normalization(ConformanceCase c, CaseData data) {
        RowLayout layout = RowLayout.of(c.desc());
        int rows = layout.rows();
        int cols = layout.length();
        boolean[] row = new boolean[rows];
        boolean[] col = new boolean[cols];
        boolean[] dyCol = new boolean[cols];
        for (Map.Entry<String, float[]> e : data.inputs().entrySet()) {
            float[] x = e.getValue();
            switch (e.getKey()) {
                case "scale", "shift" -> {
                    for (int j = 0; j < cols; j++) col[j] |= !Float.isFinite(x[j]);
                }
                case "mean", "rstd" -> {
                    for (int r = 0; r < rows; r++) row[r] |= !Float.isFinite(x[r]);
                }
                default -> { // src, diff_dst: rows x cols
                    for (int i = 0; i < x.length; i++) {
                        if (Float.isFinite(x[i])) continue;
                        row[i / cols] = true;
                        if (e.getKey().equals("diff_dst")) dyCol[i % cols] = true;
                    }
                }
            }
        }
        boolean anyRow = any(row);
        boolean anyCol = any(col);
        Map<String, boolean[]> masks = new HashMap<>();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            boolean[] m = new boolean[e.getValue().length];
            switch (e.getKey()) {
                case "mean", "rstd" -> {
                    for (int r = 0; r < rows; r++) m[r] = row[r];
                }
                case "diff_shift" -> {
                    for (int j = 0; j < cols; j++) m[j] = dyCol[j] || col[j];
                }
                case "diff_scale" -> {
                    for (int j = 0; j < cols; j++) m[j] = anyRow || col[j];
                }
                case "diff_src" -> {
                    for (int i = 0; i < m.length; i++) m[i] = row[i / cols] || anyCol;
                }
                default -> { // dst
                    for (int i = 0; i < m.length; i++) m[i] = row[i / cols] || col[i % cols];
                }
            }
            masks.put(e.getKey(), m);
        }
        return masks;
    }

    /**
     * Batch norm: every output element of channel c depends on every value of channel c in every input (through the
     * channel's statistics, or diff_src's sums over the channel) and on the channel's parameters and statistics; no
     * channel depends on another.
     */
    private static Map<String, boolean[]> perChannel(BatchNormDesc d, CaseData data) {
        int channels = Math.toIntExact(d.channels());
        long inner = d.inner();
        boolean[] tainted = new boolean[channels];
        for (float[] x : data.inputs().values()) {
            boolean perChannel = x.length == channels && x.length != d.shape().elementCount();
            for (int i = 0; i < x.length; i++) {
                if (!Float.isFinite(x[i])) tainted[perChannel ? i : (int) ((i / inner) % channels)] = true;
            }
        }
        Map<String, boolean[]> masks = new HashMap<>();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            int length = e.getValue().length;
            boolean perChannel = length == channels && length != d.shape().elementCount();
            boolean[] m = new boolean[length];
            for (int i = 0; i < length; i++) m[i] = tainted[perChannel ? i : (int) ((i / inner) % channels)];
            masks.put(e.getKey(), m);
        }
        return masks;
    }

    /**
     * Group norm: a dst or diff_src element depends on every value of its (sample, group) in every input, its group's
     * statistics, and the scale and shift of its group's channels; mean and variance on their (sample, group);
     * diff_scale and diff_shift of channel c on every sample's group of c.
     */
    private static Map<String, boolean[]> perGroup(GroupNormDesc d, CaseData data) {
        int batch = Math.toIntExact(d.batch());
        int groups = Math.toIntExact(d.groups());
        int channels = Math.toIntExact(d.channels());
        int cpg = Math.toIntExact(d.channelsPerGroup());
        int m = Math.toIntExact(d.groupSize());
        boolean[] row = new boolean[batch * groups];
        boolean[] group = new boolean[groups];
        for (Map.Entry<String, float[]> e : data.inputs().entrySet()) {
            float[] x = e.getValue();
            switch (e.getKey()) {
                case "scale", "shift" -> {
                    for (int c = 0; c < channels; c++) group[c / cpg] |= !Float.isFinite(x[c]);
                }
                case "mean", "variance" -> {
                    for (int r = 0; r < row.length; r++) row[r] |= !Float.isFinite(x[r]);
                }
                default -> {
                    for (int n = 0; n < batch; n++) {
                        for (int g = 0; g < groups; g++) {
                            for (int i = 0; i < m; i++) {
                                row[n * groups + g] |= !Float.isFinite(x[GroupNormReference.element(d, n, g, i)]);
                            }
                        }
                    }
                }
            }
        }
        boolean[] anySample = new boolean[groups];
        for (int r = 0; r < row.length; r++) anySample[r % groups] |= row[r];
        Map<String, boolean[]> masks = new HashMap<>();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            boolean[] mask = new boolean[e.getValue().length];
            switch (e.getKey()) {
                case "mean", "variance" -> System.arraycopy(row, 0, mask, 0, row.length);
                case "diff_scale", "diff_shift" -> {
                    for (int c = 0; c < channels; c++) mask[c] = anySample[c / cpg] || group[c / cpg];
                }
                default -> {
                    for (int n = 0; n < batch; n++) {
                        for (int g = 0; g < groups; g++) {
                            for (int i = 0; i < m; i++) {
                                mask[GroupNormReference.element(d, n, g, i)] = row[n * groups + g] || group[g];
                            }
                        }
                    }
                }
            }
            masks.put(e.getKey(), mask);
        }
        return masks;
    }

    /**
     * Instance norm. An instance (sample n, channel c) is tainted by a non-finite value of it in src or diff_dst, or
     * by its saved mean or variance; a channel by its scale, shift or running statistics. dst and diff_src elements
     * depend on their instance and channel, except forward from running statistics, where dst depends on its own src
     * element and its channel only; mean and variance on their instance; diff_scale, diff_shift and the updated
     * running statistics of channel c on channel c of every sample.
     */
    private static Map<String, boolean[]> perInstance(InstanceNormDesc d, CaseData data) {
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        int sp = Math.toIntExact(d.spatial());
        boolean fromRunning = data.inputs().containsKey("running_mean") && !data.expected().containsKey("mean");
        boolean[] instance = new boolean[batch * channels];
        boolean[] channel = new boolean[channels];
        boolean[] element = new boolean[Math.toIntExact(d.shape().elementCount())];
        for (Map.Entry<String, float[]> e : data.inputs().entrySet()) {
            float[] x = e.getValue();
            switch (e.getKey()) {
                case "scale", "shift", "running_mean", "running_var" -> {
                    for (int c = 0; c < channels; c++) channel[c] |= !Float.isFinite(x[c]);
                }
                case "mean", "variance" -> {
                    for (int r = 0; r < instance.length; r++) instance[r] |= !Float.isFinite(x[r]);
                }
                default -> {
                    for (int n = 0; n < batch; n++) {
                        for (int c = 0; c < channels; c++) {
                            for (int s = 0; s < sp; s++) {
                                int k = InstanceNormReference.at(d, n, c, s);
                                element[k] |= !Float.isFinite(x[k]);
                                instance[n * channels + c] |= element[k];
                            }
                        }
                    }
                }
            }
        }
        boolean[] anySample = new boolean[channels];
        for (int r = 0; r < instance.length; r++) anySample[r % channels] |= instance[r];
        Map<String, boolean[]> masks = new HashMap<>();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            boolean[] mask = new boolean[e.getValue().length];
            switch (e.getKey()) {
                case "mean", "variance" -> System.arraycopy(instance, 0, mask, 0, instance.length);
                case "diff_scale", "diff_shift", "running_mean", "running_var" -> {
                    for (int c = 0; c < channels; c++) mask[c] = anySample[c] || channel[c];
                }
                default -> {
                    for (int n = 0; n < batch; n++) {
                        for (int c = 0; c < channels; c++) {
                            for (int s = 0; s < sp; s++) {
                                int k = InstanceNormReference.at(d, n, c, s);
                                mask[k] = (fromRunning ? element[k] : instance[n * channels + c]) || channel[c];
                            }
                        }
                    }
                }
            }
            masks.put(e.getKey(), mask);
        }
        return masks;
    }

    private static Map<String, boolean[]> sameMaskForAllOutputs(CaseData data, boolean[] mask) {
        Map<String, boolean[]> masks = new HashMap<>();
        for (String output : data.expected().keySet()) masks.put(output, mask);
        return masks;
    }

    private static boolean any(boolean[] m) {
        for (boolean b : m) if (b) return true;
        return false;
    }

    private static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) if (b) n++;
        return n;
    }
}
