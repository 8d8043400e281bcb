package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.bench.BenchPath;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

    private static final Shape A = Shape.of(64, 1024);
    private static final Shape B = Shape.of(4096, 1024);

    /** onednn cannot load; vector does not run GELU (erf), everything else runs everything. */
    private static final PathProbe PROBE = new PathProbe() {
        @Override
        public String unavailableReason(BenchPath path) {
            return path.backend().equals("onednn") ? "libdnnl.so.3 not found" : null;
        }

        @Override
        public Support support(BenchPath path, KernelDesc<?> desc) {
            boolean erf = desc instanceof ActivationDesc a && a.kernelName().equals("gelu_erf");
            return path == BenchPath.VECTOR && erf ? Support.no("no erf yet") : Support.yes();
        }
    };

    @Test
    void unavailablePathsAreListedOnceWithTheirReasonAndNotRun() {
        BenchPlan plan = BenchPlan.of(List.of(KernelId.RELU), List.of(Direction.FORWARD), List.of(BenchPath.values()),
                k -> List.of(A), PROBE);
        assertEquals(List.of(BenchPath.ONEDNN, BenchPath.ONEDNN_ARRAY), List.copyOf(plan.unavailable().keySet()));
        assertEquals("libdnnl.so.3 not found", plan.unavailable().get(BenchPath.ONEDNN));
        assertEquals(List.of(new BenchPlan.Run(KernelId.RELU, Direction.FORWARD, A,
                List.of(BenchPath.SCALAR, BenchPath.SCALAR_ARRAY, BenchPath.VECTOR, BenchPath.VECTOR_ARRAY), 1)),
                plan.runs());
        assertTrue(plan.skippedText().contains("skipped path onednn-array: unavailable here: libdnnl.so.3 not found"));
    }

    @Test
    void aPathThatDoesNotRunAKernelIsSkippedForThatKernelOnly() {
        BenchPlan plan = BenchPlan.of(List.of(KernelId.GELU_ERF, KernelId.SILU), List.of(Direction.FORWARD),
                List.of(BenchPath.SCALAR, BenchPath.VECTOR), k -> List.of(A), PROBE);
        assertEquals(List.of(BenchPath.SCALAR), plan.runs().get(0).paths());
        assertEquals(List.of(BenchPath.SCALAR, BenchPath.VECTOR), plan.runs().get(1).paths());
        assertEquals(1, plan.unsupported().size());
        assertEquals("no erf yet", plan.unsupported().get(0).reason());
    }

    @Test
    void directionsAreThoseTheKernelHasWithinTheSelection() {
        BenchPlan all = BenchPlan.of(List.of(KernelId.RELU), List.of(), List.of(BenchPath.SCALAR), k -> List.of(A),
                PROBE);
        assertEquals(List.of(Direction.FORWARD, Direction.BACKWARD, Direction.BACKWARD_FROM_DST),
                all.runs().stream().map(BenchPlan.Run::direction).toList());
        BenchPlan some = BenchPlan.of(List.of(KernelId.SOFTMAX, KernelId.RELU), List.of(Direction.BACKWARD_FROM_DST),
                List.of(BenchPath.SCALAR), k -> List.of(A), PROBE);
        assertEquals(List.of(KernelId.RELU), some.runs().stream().map(BenchPlan.Run::kernel).toList());
    }

    @Test
    void copyRoofRunsOnEveryMeasuredShapeOnceAndCountsAsABenchmark() {
        BenchPlan plan = BenchPlan.of(List.of(KernelId.RELU, KernelId.SILU), List.of(Direction.FORWARD),
                List.of(BenchPath.SCALAR, BenchPath.VECTOR), k -> k == KernelId.RELU ? List.of(A, B) : List.of(A),
                PROBE);
        assertEquals(List.of(A, B), plan.copyShapes());
        // relu on A and B, silu on A, each on 2 paths; plus 2 copies
        assertEquals(3 * 2 + 2, plan.benchmarkCount());
    }

    @Test
    void eachThreadCountIsARunOfItsOwnAndTheCopyRoofIsMeasuredOnce() {
        BenchPlan plan = BenchPlan.of(List.of(KernelId.RELU), List.of(Direction.FORWARD),
                List.of(BenchPath.SCALAR, BenchPath.VECTOR), k -> List.of(A, B),
                (k, s) -> s.equals(B) ? List.of(1, 4) : List.of(1), PROBE);
        assertEquals(List.of(1, 1, 4), plan.runs().stream().map(BenchPlan.Run::threads).toList());
        assertEquals(List.of(A, B, B), plan.runs().stream().map(BenchPlan.Run::shape).toList());
        assertEquals(List.of(A, B), plan.copyShapes());
        assertEquals(3 * 2 + 2, plan.benchmarkCount());
    }

    @Test
    void compareAddsAllCoresForAFewKernelsAtTheLlcSizeOnly() {
        Shape llc = dev.normkit.bench.SizeClass.LLC.shape();
        assertEquals(List.of(1, 16), CompareCommand.benchThreads(KernelId.LAYER_NORM, llc, 16));
        assertEquals(List.of(1, 2), CompareCommand.benchThreads(KernelId.GELU_ERF, llc, 2));
        assertEquals(List.of(1), CompareCommand.benchThreads(KernelId.LAYER_NORM, A, 16));
        assertEquals(List.of(1), CompareCommand.benchThreads(KernelId.RELU, llc, 16));
        assertEquals(List.of(1), CompareCommand.benchThreads(KernelId.SOFTMAX, llc, 1), "one core: nothing to add");
        BenchPlan plan = BenchPlan.of(java.util.Arrays.asList(KernelId.values()), List.of(Direction.FORWARD),
                CompareCommand.PATHS, CompareCommand::benchShapes, (k, s) -> CompareCommand.benchThreads(k, s, 2),
                PROBE);
        assertEquals(3, plan.runs().stream().filter(r -> r.threads() == 2).count());
    }

    @Test
    void aChannelKernelRunsInEachLayoutAndTheProbeSeesTheChannelsLastDescriptor() {
        Shape nchw = Shape.of(8, 16, 5, 7);
        List<KernelDesc<?>> seen = new java.util.ArrayList<>();
        PathProbe recording = new PathProbe() {
            @Override
            public String unavailableReason(BenchPath path) {
                return null;
            }

            @Override
            public Support support(BenchPath path, KernelDesc<?> desc) {
                seen.add(desc);
                return Support.yes();
            }
        };
        BenchPlan plan = BenchPlan.of(List.of(KernelId.BATCH_NORM, KernelId.RELU), List.of(Direction.FORWARD),
                List.of(BenchPath.VECTOR), k -> List.of(nchw, Shape.of(8, 16)), (k, s) -> List.of(1),
                List.of(ChannelLayout.NCHW, ChannelLayout.NHWC), recording);
        List<String> runs = plan.runs().stream().map(r -> r.kernel() + " " + r.shape() + " " + r.layout()).toList();
        // Rank 2 (N x C) and relu have no layout to choose: once each, as given.
        assertEquals(List.of("batch_norm 8x16x5x7 NCHW", "batch_norm 8x16x5x7 NHWC", "batch_norm 8x16 NCHW",
                "relu 8x16x5x7 NCHW", "relu 8x16 NCHW"), runs);
        assertEquals(BatchNormDesc.of(Shape.of(8, 5, 7, 16), ChannelLayout.NHWC), seen.get(1));
        assertEquals(BatchNormDesc.of(nchw), seen.get(0));
    }

    @Test
    void channelsLastIsRefusedWithTheReasonWhereThereIsNoChannelAxis() {
        IllegalArgumentException relu = assertThrows(IllegalArgumentException.class,
                () -> KernelId.RELU.desc(Shape.of(2, 3, 4), ChannelLayout.NHWC));
        assertEquals("layout: relu has no channel axis", relu.getMessage());
        IllegalArgumentException rank2 = assertThrows(IllegalArgumentException.class,
                () -> KernelId.BATCH_NORM.desc(Shape.of(2, 3), ChannelLayout.NHWC));
        assertTrue(rank2.getMessage().startsWith("layout: NHWC needs a shape N x C x spatial"), rank2.getMessage());
        assertEquals(GroupNormDesc.of(Shape.of(2, 9, 64), ChannelLayout.NHWC, 32),
                KernelId.GROUP_NORM.desc(Shape.of(2, 64, 9), ChannelLayout.NHWC));
    }
}
