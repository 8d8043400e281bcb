package dev.normkit.spi;

import java.lang.foreign.MemorySegment;

/**
 * The run-time argument checks every path performs before touching memory (and before any native call): presence,
 * size, alignment and writability. Messages name the argument and the expected value.
 */
public final class SegmentArgs {
    private SegmentArgs() {}

    /** {@code s} must hold at least {@code floats} f32 values, 4-byte aligned. */
    public static void input(String name, MemorySegment s, long floats) {
        if (s == null) {
            throw new IllegalArgumentException(name + ": must not be null (needs " + floats + " floats)");
        }
        long need = floats * Float.BYTES;
        if (s.byteSize() < need) {
            throw new IllegalArgumentException(name + ": needs " + floats + " floats (" + need
                    + " bytes), segment has " + s.byteSize() + " bytes");
        }
        if (s.maxByteAlignment() < Float.BYTES) {
            throw new IllegalArgumentException(name + ": must be 4-byte aligned for f32, segment address "
                    + s.address() + " is not");
        }
    }

    /** As {@link #input}, and writable. */
    public static void output(String name, MemorySegment s, long floats) {
        input(name, s, floats);
        if (s.isReadOnly()) {
            throw new IllegalArgumentException(name + ": is an output and must not be read-only");
        }
    }

    /** An optional input: required when {@code used}, must be {@code null} otherwise ({@code flag} names the switch). */
    public static void optionalInput(String name, MemorySegment s, long floats, boolean used, String flag) {
        if (used) {
            input(name, s, floats);
        } else if (s != null) {
            throw new IllegalArgumentException(name + ": must be null because the descriptor has " + flag + " off");
        }
    }

    /** An optional output: required when {@code used}, must be {@code null} otherwise. */
    public static void optionalOutput(String name, MemorySegment s, long floats, boolean used, String flag) {
        if (used) {
            output(name, s, floats);
        } else if (s != null) {
            throw new IllegalArgumentException(name + ": must be null because the descriptor has " + flag + " off");
        }
    }
}
