package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.Shape;
import dev.normkit.conformance.KernelId;
import org.junit.jupiter.api.Test;

/** A benchmark must refuse to measure a kernel that runs on another path than the one requested. */
class PathGuardTest {

    private static Kernel runningOn(String path) {
        KernelDesc<?> desc = KernelId.RELU.desc(Shape.of(4));
        return new Kernel() {
            @Override
            public KernelDesc<?> desc() {
                return desc;
            }

            @Override
            public String path() {
                return path;
            }
        };
    }

    @Test
    void aKernelOnAnotherPathIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PathGuard.requireRanOn(BenchPath.VECTOR, runningOn("scalar")));
        assertTrue(e.getMessage().contains("requested vector") && e.getMessage().contains("runs on scalar"),
                e.getMessage());
    }

    @Test
    void theArrayPathMustRunOnTheOnednnBackend() {
        assertThrows(IllegalStateException.class,
                () -> PathGuard.requireRanOn(BenchPath.ONEDNN_ARRAY, runningOn("vector")));
        assertDoesNotThrow(() -> PathGuard.requireRanOn(BenchPath.ONEDNN_ARRAY, runningOn("onednn")));
    }
}
