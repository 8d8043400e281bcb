package dev.normkit;

/** Descriptor checks shared by the row normalizations. */
final class NormChecks {
    private NormChecks() {}

    static void shapeAndAxes(Shape shape, int normalizedAxes) {
        if (shape == null) {
            throw new IllegalArgumentException("shape: must not be null");
        }
        if (normalizedAxes < 1 || normalizedAxes > shape.rank()) {
            throw new IllegalArgumentException("normalizedAxes: must be in [1, " + shape.rank() + "] for shape "
                    + shape + ", got " + normalizedAxes);
        }
    }

    static void eps(float eps) {
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps: must be finite and >= 0, got " + eps);
        }
    }
}
