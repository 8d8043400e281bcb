package dev.normkit.conformance;

import dev.normkit.Shape;
import java.util.List;

/**
 * What a conformance run covers. An empty list means the default: every kernel, every available path, the
 * kernel's standard shapes (the corpus).
 */
public record Selection(List<KernelId> kernels, List<String> paths, List<Shape> shapes) {

    public Selection {
        kernels = List.copyOf(kernels);
        paths = List.copyOf(paths);
        shapes = List.copyOf(shapes);
    }

    public static Selection all() {
        return new Selection(List.of(), List.of(), List.of());
    }
}
