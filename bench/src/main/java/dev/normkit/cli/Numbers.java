package dev.normkit.cli;

import java.util.Locale;

/** How the reports print numbers: fixed width where they line up, "-" where there is no value. */
final class Numbers {
    private Numbers() {}

    /** Errors and tolerances: two significant digits in scientific notation; 0 as {@code 0}. */
    static String sci(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.1e", v);
    }

    /** ULP distances: whole numbers, or "inf". */
    static String ulp(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return "inf";
        return String.format(Locale.ROOT, v < 10 ? "%.1f" : "%.0f", v);
    }

    /** Two decimals below 100, whole numbers above; "-" for no value. */
    static String fixed(Double v) {
        if (v == null || !Double.isFinite(v)) return "-";
        return String.format(Locale.ROOT, Math.abs(v) < 100 ? "%.2f" : "%.0f", v);
    }

    /** Nanoseconds with a thousands separator. */
    static String nanos(double v) {
        if (!Double.isFinite(v)) return "-";
        return String.format(Locale.ROOT, v < 1000 ? "%.1f" : "%,.0f", v);
    }

    /** A percentage with one decimal, or "-". */
    static String percent(Double v) {
        if (v == null || !Double.isFinite(v)) return "-";
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
