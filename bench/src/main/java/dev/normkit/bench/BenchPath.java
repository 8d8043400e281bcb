package dev.normkit.bench;

import java.util.Arrays;

/**
 * A path as the benchmarks name it: the three library paths on native segments, and each of them called through its
 * {@code float[]} overloads ({@code scalar-array}, {@code vector-array}, {@code onednn-array}), so heap arguments are
 * measured as well as native ones. For {@code onednn-array} the copies between the Java heap and native memory are
 * part of the time; the Java paths read and write the arrays in place.
 */
public enum BenchPath {
    SCALAR("scalar", "scalar", false),
    /** {@code float[]} in and out. */
    SCALAR_ARRAY("scalar-array", "scalar", true),
    VECTOR("vector", "vector", false),
    /** {@code float[]} in and out: what a caller holding Java arrays gets. */
    VECTOR_ARRAY("vector-array", "vector", true),
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

    /** The path on native segments that runs on the same backend: itself for a native path. */
    public BenchPath nativePath() {
        for (BenchPath p : values()) {
            if (!p.heapArrays && p.backend.equals(backend)) return p;
        }
        throw new IllegalStateException(label + ": no native path on " + backend);
    }

    /** The {@code float[]} path that runs on the same backend: itself for a {@code float[]} path. */
    public BenchPath arrayPath() {
        for (BenchPath p : values()) {
            if (p.heapArrays && p.backend.equals(backend)) return p;
        }
        throw new IllegalStateException(label + ": no float[] path on " + backend);
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
