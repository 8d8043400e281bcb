package dev.normkit.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory roof: {@code dst[i] = a * src[i] + b} over native segments with the Vector API. It reads and writes the
 * same bytes as the simplest elementwise kernel and does the least arithmetic, so no memory-bound kernel can beat its
 * GB/s on the same shape; a kernel's ratio to it is its distance to the physical limit.
 */
public final class CopyRoof {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CopyRoof() {}

    /** {@code dst[i] = fma(a, src[i], b)} for {@code i < n}. */
    public static void run(MemorySegment src, MemorySegment dst, long n, float a, float b) {
        long bytes = n * Float.BYTES;
        long vectorBytes = F.vectorByteSize();
        long upper = bytes - bytes % vectorBytes;
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vb = FloatVector.broadcast(F, b);
        long off = 0;
        for (; off < upper; off += vectorBytes) {
            FloatVector.fromMemorySegment(F, src, off, ByteOrder.nativeOrder())
                    .fma(va, vb)
                    .intoMemorySegment(dst, off, ByteOrder.nativeOrder());
        }
        for (; off < bytes; off += Float.BYTES) {
            float x = src.get(ValueLayout.JAVA_FLOAT, off);
            dst.set(ValueLayout.JAVA_FLOAT, off, Math.fma(a, x, b));
        }
    }
}
