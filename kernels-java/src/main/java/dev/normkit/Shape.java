package dev.normkit;

import java.util.Arrays;

/**
 * The dimensions of a dense, row-major tensor of floats, outermost first. Immutable.
 *
 * <p>Printed and parsed as {@code 256x768} (the form the command line and reports use).
 */
public final class Shape {
    private final long[] dims;
    private final long elementCount;

    private Shape(long[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("shape: needs at least one dimension");
        }
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new IllegalArgumentException(
                        "shape: dimension " + i + " must be positive, got " + dims[i] + " in " + Arrays.toString(dims));
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
                Math.multiplyExact(count, (long) Float.BYTES);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape: " + Arrays.toString(dims) + " has too many elements", e);
            }
        }
        this.dims = dims;
        this.elementCount = count;
    }

    /** A shape with the given dimensions, outermost first; every dimension must be positive. */
    public static Shape of(long... dims) {
        return new Shape(dims.clone());
    }

    /** Parses {@code 256x768} or {@code 64x30x512}. */
    public static Shape parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("shape: expected dimensions like 256x768, got '" + text + "'");
        }
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape: expected dimensions like 256x768, got '" + text + "'", e);
            }
        }
        return new Shape(dims);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis];
    }

    public long[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of all dimensions. */
    public long elementCount() {
        return elementCount;
    }

    /** Product of dimensions {@code [0, axis)}; 1 for axis 0. */
    public long sizeBefore(int axis) {
        checkAxisBound(axis);
        long p = 1;
        for (int i = 0; i < axis; i++) p *= dims[i];
        return p;
    }

    /** Product of dimensions {@code [axis, rank)}; 1 for axis == rank. */
    public long sizeFrom(int axis) {
        checkAxisBound(axis);
        long p = 1;
        for (int i = axis; i < dims.length; i++) p *= dims[i];
        return p;
    }

    private void checkAxisBound(int axis) {
        if (axis < 0 || axis > dims.length) {
            throw new IllegalArgumentException("axis: must be in [0, " + dims.length + "], got " + axis);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) b.append('x');
            b.append(dims[i]);
        }
        return b.toString();
    }
}
