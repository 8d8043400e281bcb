package dev.normkit.bench;

import dev.normkit.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Where one data tensor of a benchmark lives in the memory hierarchy, with the shape that puts it there. Row lengths are
 * real hidden sizes: 1024 (BERT-large) and 4096 (Llama 7B); f32 throughout.
 */
public enum SizeClass {
    /** 64 x 1024 f32 = 256 KiB: in L2 on the machines we measure. */
    L2("l2", Shape.of(64, 1024)),
    /** 4096 x 1024 f32 = 16 MiB: in the last-level cache, not in L2. */
    LLC("llc", Shape.of(4096, 1024)),
    /** 16384 x 4096 f32 = 256 MiB: from DRAM. */
    DRAM("dram", Shape.of(16384, 4096));

    private final String label;
    private final Shape shape;

    SizeClass(String label, Shape shape) {
        this.label = label;
        this.shape = shape;
    }

    public String label() {
        return label;
    }

    public Shape shape() {
        return shape;
    }

    /** The shapes of every size class, smallest first. */
    public static List<Shape> allShapes() {
        return Arrays.stream(values()).map(SizeClass::shape).toList();
    }

    /** The class with this label ({@code l2}, {@code llc}, {@code dram}), or {@code null}. */
    public static SizeClass byLabelOrNull(String label) {
        for (SizeClass c : values()) {
            if (c.label.equalsIgnoreCase(label)) return c;
        }
        return null;
    }
}
