package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;

import java.nio.ByteOrder;

/**
 * The rules every vector kernel's loops follow, and the constants they share. Why each rule holds, with measurements
 * and sources: docs/vector-jit.md.
 *
 * <ol>
 *   <li><b>One kind of memory per loop.</b> A kernel decides once per call, with {@link Placement}, where its tensors
 *       live: {@code float[]} (ARRAYS) runs loops that use {@code fromArray}/{@code intoArray} on the backing arrays;
 *       native segments (NATIVE) run loops that use {@code fromMemorySegment}/{@code intoMemorySegment}; anything
 *       else (MIXED) is staged through native copies first ({@link HeapStaging}). No vector access ever sees a heap
 *       segment: the JDK shares one type profile for all segment vector accesses in the process, and once it has seen
 *       both kinds C2 fences every access and every kernel runs several times slower.</li>
 *   <li><b>Each loop is written once.</b> The segment loops ({@code *SegmentLoops}) are the source; the array loops
 *       ({@code *ArrayLoops}, in {@code src/generated/java}) are generated from them by
 *       {@code kernels-java/src/build/java/GenerateArrayLoops.java}, run by hand after editing a template
 *       ({@code GeneratedLoopsTest} fails while they differ). Templates index in floats, each tensor with its own
 *       base index ({@code srcAt}, {@code dstAt}...), and address a segment only as
 *       {@code fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER)},
 *       {@code v.intoMemorySegment(s, Float.BYTES * i, BYTE_ORDER)}, {@code s.getAtIndex(JAVA_FLOAT, i)} and
 *       {@code s.setAtIndex(JAVA_FLOAT, i, x)}; {@code long} is an index or count (it becomes {@code int}), except a
 *       method's return type, which is a {@link FloatPair} (held in {@code var}).</li>
 *   <li><b>Unrolling.</b> Reductions run a 4x-unrolled body with independent accumulators (to hide the add latency),
 *       a one-vector loop, then a scalar tail; passes that also gather the next row's statistics take two vectors a
 *       step; elementwise passes take one. Loop bounds are locals computed before the loop.</li>
 *   <li><b>Fixed-order sums.</b> A vector of partial sums is added up lane by lane in index order
 *       ({@code lane(0) + lane(1) + ...}), never with {@code reduceLanes(ADD)}: its order differs between the Java
 *       fallback and C2's code, so the same input gave different bits before and after compilation. It costs a few
 *       cycles per row.</li>
 *   <li><b>Tails.</b> A scalar tail computes exactly what a lane would (same operations, {@link Math#fma} for fma).
 *       No masks: AMD's masked stores are microcoded, masked segment accesses carry the mixed-access barriers, and
 *       masked accesses are the bulkiest Vector API code for the JIT.</li>
 *   <li><b>No helpers of ours take or return vectors.</b> Loops call the Vector API directly. Past C2's inlining node
 *       budget (18,000 nodes) the Vector API's own {@code @ForceInline} methods are still inlined, but a helper of
 *       ours stays a call, and every vector crossing it is boxed: an allocation per step.</li>
 *   <li><b>Passes are small methods that take and return scalars.</b> Each pass and each variant (scale or not, shift
 *       or not) is its own method: small, so that C1 compiles and profiles it (C1 gives up on large Vector API
 *       methods, "out of virtual registers"); scalar-only, so a call C2 leaves un-inlined costs a call per row and
 *       nothing per element. A pass that yields two sums returns a {@link FloatPair}.</li>
 * </ol>
 */
final class RowLoops {
    private RowLoops() {}

    static final ByteOrder BYTE_ORDER = ByteOrder.nativeOrder();
    static final int LANES = F.length();

    /**
     * Whether a row's f32 sum of squares {@code squares} cannot be trusted and must be recomputed in double: it
     * overflowed (or is NaN), or it is so small that f32 squares lost precision to underflow while {@code eps} is too
     * small to hide the loss.
     */
    static boolean squaresNeedDouble(float squares, float eps) {
        return !(squares < Float.POSITIVE_INFINITY) || (squares < 0x1p-90f && eps < 0x1p-60f);
    }
}
