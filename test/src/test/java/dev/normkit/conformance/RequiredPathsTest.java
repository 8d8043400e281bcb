package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.normkit.Backend;
import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.Shape;
import dev.normkit.Support;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Path discipline: every path named in {@code normkit.require} is available, runs every slice kernel on every default
 * shape, and hands out kernels that say they run on it (a silent fallback to scalar fails here). Kernels of every
 * available path are held to the last rule too.
 */
class RequiredPathsTest {

    @Test
    void theRequiredPathsAreConfigured() {
        assertFalse(RequiredPaths.names().isEmpty(),
                "set -D" + RequiredPaths.PROPERTY + "=scalar,vector[,onednn] (test/pom.xml does)");
    }

    /** check, bench and the corpus iterate over this list: a kernel listed twice is measured and checked twice. */
    @Test
    void theCatalogueListsEachKernelOnce() {
        List<String> labels = Stream.of(KernelId.values()).map(KernelId::label).toList();
        assertEquals(labels.stream().distinct().toList(), labels);
        assertTrue(labels.containsAll(List.of("batch_norm", "group_norm", "divisive_norm", "relu")), labels::toString);
    }

    @TestFactory
    Stream<DynamicTest> everyRequiredPathIsAvailableAndRunsTheWholeSlice() {
        return RequiredPaths.names().stream().flatMap(name -> Stream.of(
                dynamicTest("required path " + name + " is available", () -> {
                    BackendStatus s = Backends.status().stream().filter(b -> b.name().equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError("required path " + name + " is not a known path: "
                                    + Backends.status()));
                    assertTrue(s.available(), () -> "required path " + name + " unavailable: " + s.detail());
                }),
                dynamicTest("required path " + name + " supports every slice kernel on every default shape", () -> {
                    Backend path = Backends.get(name);
                    List<String> refused = new ArrayList<>();
                    for (KernelId k : KernelId.values()) {
                        for (Shape shape : Conformance.defaultShapes(k)) {
                            Support s = path.support(k.desc(shape));
                            if (name.equals("onednn") && k.oneDnnHasNoPrimitive()) {
                                // refused by design; claiming it would mean a silent fallback
                                if (s.supported()) refused.add(k + " " + shape + ": onednn claims a kernel it lacks");
                                continue;
                            }
                            if (!s.supported()) refused.add(k + " " + shape + ": " + s.reason());
                        }
                    }
                    assertEquals(List.of(), refused, name + " refuses slice kernels");
                })));
    }

    @TestFactory
    Stream<DynamicTest> everyKernelReportsThePathThatMadeIt() {
        return Backends.available().stream().flatMap(path -> Stream.of(KernelId.values())
                .map(k -> k.desc(Shape.of(4, 17)))
                .filter(d -> path.support(d).supported())
                .map(d -> dynamicTest(d.kernelName() + " made by " + path.name() + " reports " + path.name(),
                        () -> assertEquals(path.name(), pathOf(path, d)))));
    }

    private static String pathOf(Backend path, KernelDesc<?> d) {
        try (Kernel k = path.create(d)) {
            return k.path();
        }
    }
}
