package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.bench.BytesModel;

/**
 * One measured benchmark: a kernel direction (or the copy roof, kernel {@value #COPY}) on one path and shape.
 *
 * @param nsPerOp    JMH's score: mean time of one call per thread
 * @param errorNs    JMH's score error (half-width of the 99.9% confidence interval), NaN when it has none
 * @param bytesPerOp bytes one call moves ({@link BytesModel})
 */
public record BenchResult(String kernel, String direction, Shape shape, String path, int threads, double nsPerOp,
        double errorNs, long bytesPerOp) {

    /** The kernel name of the copy roof's records. */
    public static final String COPY = "copy";

    /** Total GB/s over all threads: bytes per call x threads / ns per call. */
    public double gbps() {
        return BytesModel.gigabytesPerSecond(bytesPerOp, nsPerOp, threads);
    }

    /** JMH's error as a percentage of the score; NaN when there is none. */
    public double errorPct() {
        return 100 * errorNs / nsPerOp;
    }

    public boolean isCopy() {
        return COPY.equals(kernel);
    }
}
