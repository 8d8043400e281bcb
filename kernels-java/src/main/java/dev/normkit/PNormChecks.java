package dev.normkit;

/** Descriptor checks shared by the p-norm normalizations ({@link L2NormalizeDesc}, {@link DivisiveNormDesc}). */
final class PNormChecks {
    private PNormChecks() {}

    /** p must be a real > 0 or +infinity (the max norm); NaN, 0 and negatives have no norm. */
    static void p(float p) {
        if (!(p > 0f)) {
            throw new IllegalArgumentException("p: must be > 0 (or +infinity for the max norm), got " + p);
        }
    }
}
