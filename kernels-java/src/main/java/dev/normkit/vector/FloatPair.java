package dev.normkit.vector;

/**
 * Two floats packed in a long, so a per-row helper can return two sums without allocating even when C2 leaves the
 * call a call.
 */
final class FloatPair {
    private FloatPair() {}

    static long of(float first, float second) {
        return ((long) Float.floatToRawIntBits(first) << 32) | (Float.floatToRawIntBits(second) & 0xFFFF_FFFFL);
    }

    static float first(long pair) {
        return Float.intBitsToFloat((int) (pair >>> 32));
    }

    static float second(long pair) {
        return Float.intBitsToFloat((int) pair);
    }
}
