package dev.normkit.cli;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.conformance.KernelId;
import dev.normkit.conformance.Selection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The kernels a selected path refuses by design (oneDNN has no p-norm primitive, for instance), each with the path's
 * reason, so that {@code check} says why a kernel has no rows on a path instead of leaving the rows out silently.
 */
final class RefusedKernels {
    private RefusedKernels() {}

    /** One line per selected kernel that a selected available path refuses on a small default shape. */
    static List<String> lines(Selection selection) {
        List<KernelId> kernels = selection.kernels().isEmpty() ? Arrays.asList(KernelId.values())
                : selection.kernels();
        List<String> lines = new ArrayList<>();
        for (Backend path : Backends.available()) {
            if (!selection.paths().isEmpty() && !selection.paths().contains(path.name())) continue;
            for (KernelId k : kernels) {
                if (!k.oneDnnHasNoPrimitive()) continue; // the kernels refused by design; others refuse per shape
                Support s = path.support(k.desc(Shape.of(4, 17)));
                if (!s.supported()) lines.add("unsupported: " + k + " on " + path.name() + ": " + s.reason());
            }
        }
        return lines;
    }
}
