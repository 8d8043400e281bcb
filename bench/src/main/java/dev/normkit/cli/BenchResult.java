package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.bench.BytesModel;
import java.util.List;
import java.util.Locale;

/**
 * One measured benchmark: a kernel direction (or the copy roof, kernel {@value #COPY}) on one path and shape.
 *
 * @param shape      the shape as given on the command line; a channel kernel's NHWC tensor stores it channels last
 *
 * @param threads    threads one call runs on ({@code Backend.parallel}; OpenMP threads on onednn); 1 for the copy roof
 * @param callers    JMH threads calling at once, each on its own tensors ({@code bench --callers})
 * @param nsPerOp    JMH's score: mean time of one call per thread
 * @param errorNs    JMH's score error (half-width of the 99.9% confidence interval), NaN when it has none
 * @param bytesPerOp bytes one call moves ({@link BytesModel})
 * @param forkNs     each fork's own score (ns per call), in fork order; empty where unknown
 * @param layout     where a channel kernel's channel axis lay ({@code nchw}, {@code nhwc}, or {@code nc} for a rank-2
 *                   shape); null for the other kernels and the copy roof
 */
public record BenchResult(String kernel, String direction, Shape shape, String path, int threads, int callers,
        double nsPerOp, double errorNs, long bytesPerOp, List<Double> forkNs, String layout) {

    /** The kernel name of the copy roof's records. */
    public static final String COPY = "copy";

    /**
     * Above this, in percent, a result is unstable: JMH's error relative to the score, or the spread of the forks'
     * scores relative to the fastest. 15% is the error issue 7 sets as the target for every vector result; a
     * kernel that C2 compiles well in one fork and badly in another shows errors of 100% and more.
     */
    public static final double UNSTABLE_PCT = 15;

    public BenchResult {
        forkNs = List.copyOf(forkNs);
    }

    /** A result of a kernel without a channel layout, or of the copy roof. */
    public BenchResult(String kernel, String direction, Shape shape, String path, int threads, int callers,
            double nsPerOp, double errorNs, long bytesPerOp, List<Double> forkNs) {
        this(kernel, direction, shape, path, threads, callers, nsPerOp, errorNs, bytesPerOp, forkNs, null);
    }

    /** A result whose forks are not known (one fork, or read back from a report). */
    public BenchResult(String kernel, String direction, Shape shape, String path, int threads, int callers,
            double nsPerOp, double errorNs, long bytesPerOp) {
        this(kernel, direction, shape, path, threads, callers, nsPerOp, errorNs, bytesPerOp, List.of());
    }

    /** Total GB/s over all callers: bytes per call x callers / ns per call (a call's own threads share its bytes). */
    public double gbps() {
        return BytesModel.gigabytesPerSecond(bytesPerOp, nsPerOp, callers);
    }

    /** JMH's error as a percentage of the score; NaN when there is none. */
    public double errorPct() {
        return 100 * errorNs / nsPerOp;
    }

    /**
     * Why this result is not one number, or null when it is: JMH's error above {@value #UNSTABLE_PCT}% of the score,
     * or forks whose scores spread by more than {@value #UNSTABLE_PCT}% of the fastest. An average over such runs
     * hides a collapse; the report marks them instead.
     */
    public String instability() {
        double error = errorPct();
        String reason = null;
        if (error > UNSTABLE_PCT) {
            reason = String.format(Locale.ROOT, "error %.0f%% > %.0f%%", error, UNSTABLE_PCT);
        }
        if (forkNs.size() >= 2) {
            double fastest = forkNs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double slowest = forkNs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double spread = 100 * (slowest - fastest) / fastest;
            if (spread > UNSTABLE_PCT) {
                String forks = String.format(Locale.ROOT, "forks disagree: %s to %s ns/op (+%.0f%%)",
                        Numbers.nanos(fastest), Numbers.nanos(slowest), spread);
                reason = reason == null ? forks : reason + "; " + forks;
            }
        }
        return reason;
    }

    public boolean isCopy() {
        return COPY.equals(kernel);
    }
}
