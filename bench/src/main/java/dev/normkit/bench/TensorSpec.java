package dev.normkit.bench;

/**
 * One tensor a kernel direction touches: its argument name (as in the kernel interfaces), whether the kernel reads or
 * writes it, and how many f32 values it holds.
 */
public record TensorSpec(String name, Role role, long floats) {

    /** Whether the kernel reads the tensor or writes it. */
    public enum Role { INPUT, OUTPUT }

    public static TensorSpec in(String name, long floats) {
        return new TensorSpec(name, Role.INPUT, floats);
    }

    public static TensorSpec out(String name, long floats) {
        return new TensorSpec(name, Role.OUTPUT, floats);
    }

    public long bytes() {
        return floats * Float.BYTES;
    }
}
