package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/**
 * Dense memory layouts ({@code dnnl_format_tag_t}). Letters name the logical dimensions in order ({@code a} is the
 * first, e.g. N); the tag lists them from outermost to innermost in memory. {@code ABCD} is NCHW, {@code ACDB} is NHWC.
 */
public enum FormatTag {
    A(1),
    AB(2),
    ABC(3),
    ABCD(4),
    ABCDE(5),
    ABCDEF(6),
    /** 2-D transposed (column-major). */
    BA(2),
    /** 3-D channels-last (NWC). */
    ACB(3),
    /** 4-D channels-last (NHWC). */
    ACDB(4),
    /** 5-D channels-last (NDHWC). */
    ACDEB(5);

    private final int ndims;

    FormatTag(int ndims) {
        this.ndims = ndims;
    }

    /** The number of dimensions this layout is for. */
    public int ndims() {
        return ndims;
    }

    /**
     * The row-major layout of {@code ndims} dimensions (the last dimension innermost).
     *
     * @throws IllegalArgumentException unless {@code 1 <= ndims <= 6}
     */
    public static FormatTag plain(int ndims) {
        return switch (ndims) {
            case 1 -> A;
            case 2 -> AB;
            case 3 -> ABC;
            case 4 -> ABCD;
            case 5 -> ABCDE;
            case 6 -> ABCDEF;
            default -> throw new IllegalArgumentException("ndims must be 1..6 for a plain format tag, got " + ndims);
        };
    }

    /**
     * The channels-last layout of {@code ndims} dimensions (N, then spatial, then C innermost).
     *
     * @throws IllegalArgumentException unless {@code 3 <= ndims <= 5}
     */
    public static FormatTag channelsLast(int ndims) {
        return switch (ndims) {
            case 3 -> ACB;
            case 4 -> ACDB;
            case 5 -> ACDEB;
            default -> throw new IllegalArgumentException("ndims must be 3..5 for channels-last, got " + ndims);
        };
    }

    /** The {@code dnnl_format_tag_t} value. */
    int value() {
        return switch (this) {
            case A -> Dnnl.dnnl_a();
            case AB -> Dnnl.dnnl_ab();
            case ABC -> Dnnl.dnnl_abc();
            case ABCD -> Dnnl.dnnl_abcd();
            case ABCDE -> Dnnl.dnnl_abcde();
            case ABCDEF -> Dnnl.dnnl_abcdef();
            case BA -> Dnnl.dnnl_ba();
            case ACB -> Dnnl.dnnl_acb();
            case ACDB -> Dnnl.dnnl_acdb();
            case ACDEB -> Dnnl.dnnl_acdeb();
        };
    }
}
