package dev.normkit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * The named f32 tensors of one benchmark, allocated once: native segments from an {@link Arena} (64-byte aligned, as
 * oneDNN prefers), or {@code float[]} on the heap. Outputs start at zero.
 */
public final class Tensors {

    /** Alignment of native tensors: a cache line, and a full AVX-512 vector. */
    static final long ALIGNMENT = 64;

    private final Map<String, TensorSpec> specs = new LinkedHashMap<>();
    private final Map<String, MemorySegment> segments = new LinkedHashMap<>();
    private final Map<String, float[]> arrays = new LinkedHashMap<>();
    private final boolean heap;

    private Tensors(boolean heap) {
        this.heap = heap;
    }

    /** Native segments allocated in {@code arena}; they live as long as it does. */
    public static Tensors allocateNative(List<TensorSpec> specs, Arena arena) {
        Tensors t = new Tensors(false);
        for (TensorSpec s : specs) {
            t.specs.put(s.name(), s);
            t.segments.put(s.name(), arena.allocate(s.bytes(), ALIGNMENT));
        }
        return t;
    }

    /** {@code float[]} tensors; {@link #segment} wraps them as heap segments. */
    public static Tensors allocateHeap(List<TensorSpec> specs) {
        Tensors t = new Tensors(true);
        for (TensorSpec s : specs) {
            if (s.floats() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(s.name() + ": " + s.floats()
                        + " floats do not fit in one float[]; use a smaller shape for heap arrays");
            }
            float[] a = new float[(int) s.floats()];
            t.specs.put(s.name(), s);
            t.arrays.put(s.name(), a);
            t.segments.put(s.name(), MemorySegment.ofArray(a));
        }
        return t;
    }

    public List<TensorSpec> specs() {
        return List.copyOf(specs.values());
    }

    public boolean has(String name) {
        return specs.containsKey(name);
    }

    /** The tensor as a segment (a heap segment over the array for heap tensors), or {@code null} if there is none. */
    public MemorySegment segment(String name) {
        return segments.get(name);
    }

    /**
     * The tensor's array, or {@code null} if there is none.
     *
     * @throws IllegalStateException for native tensors
     */
    public float[] array(String name) {
        if (!heap) {
            throw new IllegalStateException(name + ": tensors are native segments, not float[]");
        }
        return arrays.get(name);
    }

    /**
     * Fills the tensor with {@code transform(z)}, z drawn from N(0, 1) by a generator seeded with {@code seed}: the
     * same seed gives the same values on every path and storage.
     */
    public void fillNormal(String name, long seed, DoubleUnaryOperator transform) {
        MemorySegment s = require(name);
        long n = specs.get(name).floats();
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) transform.applyAsDouble(random.nextGaussian()));
        }
    }

    /** A copy of the tensor's values. */
    public float[] read(String name) {
        MemorySegment s = require(name);
        return s.asSlice(0, specs.get(name).bytes()).toArray(ValueLayout.JAVA_FLOAT);
    }

    private MemorySegment require(String name) {
        MemorySegment s = segments.get(name);
        if (s == null) {
            throw new IllegalArgumentException("tensor: no '" + name + "' here; have " + specs.keySet());
        }
        return s;
    }
}
