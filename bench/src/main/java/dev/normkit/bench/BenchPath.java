package dev.normkit.bench;

import java.util.Arrays;

/**
 * A path as the benchmarks name it: the three library paths, plus {@code onednn-array}, which is the onednn path called
 * through its {@code float[]} overloads so the copies between the Java heap and native memory are part of the time.
 */
public enum BenchPath {
    SCALAR("scalar", "scalar", false),
    VECTOR("vector", "vector", false),
    /** Native segments in and out: zero-copy. */
    ONEDNN("onednn", "onednn", false),
    /** {@code float[]} in and out: what a caller holding Java arrays pays, copies included. */
    ONEDNN_ARRAY("onednn-array", "onednn", true);

    private final String label;
    private final String backend;
    private final boolean heapArrays;

    BenchPath(String label, String backend, boolean heapArrays) {
        this.label = label;
        this.backend = backend;
        this.heapArrays = heapArrays;
    }

    /** The name on the command line, in JMH parameters and in reports. */
    public String label() {
        return label;
    }

    /** The {@link dev.normkit.Backends} path that runs it; every kernel it creates must report this path. */
    public String backend() {
        return backend;
    }

    /** Whether tensors are {@code float[]} passed through the array overloads rather than native segments. */
    public boolean heapArrays() {
        return heapArrays;
    }

    public static BenchPath byLabel(String label) {
        for (BenchPath p : values()) {
            if (p.label.equals(label)) return p;
        }
        throw new IllegalArgumentException("path: unknown '" + label + "'; known: "
                + Arrays.stream(values()).map(BenchPath::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
