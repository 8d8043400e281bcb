package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OneDnnStatus;
import dev.normkit.bindings.dnnl.Dnnl;

/** What oneDNN this JVM runs: version and the CPU instruction set its JIT code targets. */
public final class DnnlInfo {

    private DnnlInfo() {}

    /**
     * The loaded library's version, e.g. {@code 3.13.0}.
     *
     * @throws IllegalStateException when oneDNN is unavailable
     */
    public static String version() {
        OneDnnLibrary.require();
        OneDnnStatus status = OneDnnLibrary.status();
        return status.version().orElseThrow().toString();
    }

    /**
     * The instruction set oneDNN generates code for on this CPU ({@code dnnl_get_effective_cpu_isa}), as oneDNN
     * names it: {@code sse41}, {@code avx2}, {@code avx512_core}, {@code avx512_core_amx}, ...
     *
     * @throws IllegalStateException when oneDNN is unavailable
     */
    public static String cpuIsa() {
        OneDnnLibrary.require();
        return isaName(Dnnl.dnnl_get_effective_cpu_isa());
    }

    /** A one-line summary: {@code oneDNN 3.13.0, cpu isa avx2}. */
    public static String describe() {
        return "oneDNN " + version() + ", cpu isa " + cpuIsa();
    }

    /** The name of a {@code dnnl_cpu_isa_t} value; where oneDNN has two names for one value, the established one. */
    static String isaName(int isa) {
        if (isa == Dnnl.dnnl_cpu_isa_default()) return "default";
        if (isa == Dnnl.dnnl_cpu_isa_sse41()) return "sse41";
        if (isa == Dnnl.dnnl_cpu_isa_avx()) return "avx";
        if (isa == Dnnl.dnnl_cpu_isa_avx2()) return "avx2";
        if (isa == Dnnl.dnnl_cpu_isa_avx2_vnni()) return "avx2_vnni";
        if (isa == Dnnl.dnnl_cpu_isa_avx2_vnni_2()) return "avx2_vnni_2";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core()) return "avx512_core";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core_vnni()) return "avx512_core_vnni";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core_bf16()) return "avx512_core_bf16";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core_fp16()) return "avx512_core_fp16";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core_amx()) return "avx512_core_amx";
        if (isa == Dnnl.dnnl_cpu_isa_avx512_core_amx_fp16()) return "avx512_core_amx_fp16";
        if (isa == Dnnl.dnnl_cpu_isa_avx10_2()) return "avx10_2";
        if (isa == Dnnl.dnnl_cpu_isa_avx10_2_amx_2()) return "avx10_2_amx_2";
        return "isa_0x" + Integer.toHexString(isa);
    }
}
