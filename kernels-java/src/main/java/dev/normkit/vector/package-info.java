/**
 * The {@code vector} path: the kernels on the Java Vector API ({@code jdk.incubator.vector}), loaded only when the
 * module is resolved.
 *
 * <h2>The rules every vector loop follows</h2>
 *
 * Why each rule holds, with measurements and sources: docs/vector-jit.md. {@code CompiledPathTest} and
 * {@code RepeatableResultsTest} check the ones a test can see.
 *
 * <ol>
 *   <li><b>One kind of memory per loop.</b> A kernel decides once per call, with {@link dev.normkit.vector.Placement},
 *       where its tensors live: {@code float[]} (ARRAYS) runs loops that use {@code fromArray}/{@code intoArray} on
 *       the backing arrays; native segments (NATIVE) run loops that use {@code fromMemorySegment}/{@code
 *       intoMemorySegment}; anything else (MIXED) is staged through native copies first. No vector access ever sees a
 *       heap segment: the JDK shares one type profile for all segment vector accesses in the process, and once it has
 *       seen both kinds C2 fences every access and every kernel runs several times slower.</li>
 *   <li><b>Each loop is written once; its other placement is generated.</b> Row kernels: the native-memory loops
 *       ({@code *SegmentLoops}) are the source, and {@code kernels-java/src/build/java/GenerateArrayLoops.java} makes
 *       the {@code float[]} loops from them. Activations: the per-element function ({@code VectorActivationFunctions})
 *       is the source, and {@code GenerateActivationLoops.java} makes both placements' loops around it. Output in
 *       {@code src/generated/java}, marked GENERATED; {@code GeneratedLoopsTest} fails while a source and its output
 *       differ.</li>
 *   <li><b>Unrolling.</b> Reductions run a 4x-unrolled body with independent accumulators (to hide the add latency),
 *       a one-vector loop, then the tail; elementwise passes take one vector a step. Loop bounds are locals computed
 *       before the loop.</li>
 *   <li><b>Fixed-order sums.</b> A vector of partial sums is added up lane by lane in index order, never with
 *       {@code reduceLanes(ADD)}: its order differs between the Java fallback and C2's code, so the same input gave
 *       different bits before and after compilation.</li>
 *   <li><b>Tails without masks.</b> A tail computes exactly what a lane would: row kernels with a scalar tail (same
 *       operations, {@link java.lang.Math#fma} for fma); activations by copying the tail into one zero-padded vector
 *       and running the same function on it (no scalar copy of every function; lanes are independent). No masked
 *       accesses: AMD's masked stores are microcoded, masked segment accesses carry the mixed-access barriers, and
 *       they are the bulkiest Vector API code for the JIT.</li>
 *   <li><b>No call inside a loop body that C2 may leave a call.</b> Past C2's inlining node budget (18,000 nodes) the
 *       Vector API's own {@code @ForceInline} methods are still inlined, but a method of ours may stay a call, and
 *       every vector crossing it is boxed: an allocation per step. Row loops call the Vector API directly. An
 *       activation loop calls exactly one small per-element function; {@code CompiledPathTest} fails the build when
 *       C2 does not inline it. An SVML operator ({@code lanewise(EXP)}) is a real call even when inlined: it gets a
 *       pass of its own (activations: exp into a scratch chunk, then the rest), so no vector lives across it.</li>
 *   <li><b>Passes are small methods that take and return scalars.</b> Each pass and each variant (scale or not, shift
 *       or not) is its own method: small, so that C1 compiles and profiles it (C1 gives up on large Vector API
 *       methods, "out of virtual registers") and an OSR compile stays inside C2's node budget; scalar-only, so a call
 *       C2 leaves un-inlined costs a call per row or chunk and nothing per element. A pass that yields two sums
 *       returns a {@link dev.normkit.vector.FloatPair}.</li>
 *   <li><b>Operators and species are constants at their call sites.</b> The species is {@code FloatSpecies.F}, a
 *       {@code static final}; a lanewise operator passed as a parameter was about 18x slower.</li>
 * </ol>
 */
package dev.normkit.vector;
