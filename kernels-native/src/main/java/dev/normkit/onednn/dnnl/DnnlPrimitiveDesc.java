package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A oneDNN primitive descriptor ({@code dnnl_primitive_desc_t}): an operation fully specified and matched to an
 * implementation, before any JIT code exists. Create one with the factory of its primitive, ask it for the memory
 * descriptors of its arguments ({@link #desc(ExecArg)}), then create the primitive ({@link DnnlPrimitive#create}).
 *
 * <p>Every descriptor is created with a user-managed scratchpad ({@code dnnl_scratchpad_mode_user}): the primitive
 * owns its scratch buffer (see {@link DnnlPrimitive}), so primitives do not share hidden library state. Arguments are
 * validated by oneDNN: an impossible combination (mismatched dims, a flag the primitive does not know, an unsupported
 * data type) is a {@link DnnlException} naming the creator and the status ({@code invalid_arguments} or
 * {@code unimplemented}). Backward descriptors need the forward descriptor they follow as a hint.
 *
 * <p>The memory descriptors passed in are copied; they may be closed right after. Closing twice is harmless.
 */
public final class DnnlPrimitiveDesc implements AutoCloseable {

    private final DnnlEngine engine;
    private MemorySegment handle;

    private DnnlPrimitiveDesc(DnnlEngine engine, MemorySegment handle) {
        this.engine = engine;
        this.handle = handle;
    }

    /** One oneDNN {@code *_primitive_desc_create} call, given the out-pointer, engine and attributes. */
    @FunctionalInterface
    private interface Creator {
        int create(MemorySegment out, MemorySegment engine, MemorySegment attr);
    }

    private static DnnlPrimitiveDesc create(DnnlEngine engine, String call, String context, Creator creator) {
        Objects.requireNonNull(engine, "engine");
        MemorySegment engineHandle = engine.retain();
        MemorySegment attr = MemorySegment.NULL;
        try {
            attr = NativeCalls.create("dnnl_primitive_attr_create", "", Dnnl::dnnl_primitive_attr_create);
            DnnlException.check(Dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, Dnnl.dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode");
            MemorySegment a = attr;
            return new DnnlPrimitiveDesc(engine, NativeCalls.create(call, context,
                    out -> creator.create(out, engineHandle, a)));
        } catch (RuntimeException e) {
            engine.release();
            throw e;
        } finally {
            if (!attr.equals(MemorySegment.NULL)) {
                Dnnl.dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    // ---- eltwise -------------------------------------------------------------------------------------------------

    /**
     * Element-wise forward {@code dst = f(src)} ({@code dnnl_eltwise_forward_primitive_desc_create}).
     *
     * @param alpha the algorithm's first parameter (0 where unused)
     * @param beta the algorithm's second parameter (0 where unused)
     */
    public static DnnlPrimitiveDesc eltwiseForward(DnnlEngine engine, PropKind prop, EltwiseAlg alg, DnnlMemoryDesc src,
            DnnlMemoryDesc dst, float alpha, float beta) {
        forward(prop);
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_eltwise_forward_primitive_desc_create", prop + " " + alg,
                (out, e, attr) -> Dnnl.dnnl_eltwise_forward_primitive_desc_create(out, e, prop.value(), a, s, d,
                        alpha, beta, attr));
    }

    /**
     * Element-wise backward ({@code dnnl_eltwise_backward_primitive_desc_create}).
     *
     * @param data SRC's descriptor, or DST's for the {@code _USE_DST_FOR_BWD} algorithms
     * @param hint the forward descriptor
     */
    public static DnnlPrimitiveDesc eltwiseBackward(DnnlEngine engine, EltwiseAlg alg, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc data, float alpha, float beta, DnnlPrimitiveDesc hint) {
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), x = md(data, "data");
        MemorySegment h = hint(hint);
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_eltwise_backward_primitive_desc_create", String.valueOf(alg),
                (out, e, attr) -> Dnnl.dnnl_eltwise_backward_primitive_desc_create(out, e, a, ds, dd, x, alpha, beta,
                        h, attr));
    }

    // ---- softmax -------------------------------------------------------------------------------------------------

    /** Softmax or log-softmax forward along {@code axis} ({@code dnnl_softmax_forward_primitive_desc_create}). */
    public static DnnlPrimitiveDesc softmaxForward(DnnlEngine engine, PropKind prop, SoftmaxAlg alg,
            DnnlMemoryDesc src, DnnlMemoryDesc dst, int axis) {
        forward(prop);
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_softmax_forward_primitive_desc_create", prop + " " + alg + " axis " + axis,
                (out, e, attr) -> Dnnl.dnnl_softmax_forward_primitive_desc_create(out, e, prop.value(), a, s, d, axis,
                        attr));
    }

    /**
     * Softmax backward ({@code dnnl_softmax_backward_primitive_desc_create}); it reads the forward output DST, not
     * SRC.
     */
    public static DnnlPrimitiveDesc softmaxBackward(DnnlEngine engine, SoftmaxAlg alg, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc dst, int axis, DnnlPrimitiveDesc hint) {
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), y = md(dst, "dst");
        MemorySegment h = hint(hint);
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_softmax_backward_primitive_desc_create", alg + " axis " + axis,
                (out, e, attr) -> Dnnl.dnnl_softmax_backward_primitive_desc_create(out, e, a, ds, dd, y, axis, h,
                        attr));
    }

    // ---- LRN -----------------------------------------------------------------------------------------------------

    /**
     * Local response normalization forward ({@code dnnl_lrn_forward_primitive_desc_create}):
     * {@code dst = src * (k + alpha / localSize * sum of src^2 over the window)^-beta}; the window is symmetric,
     * {@code localSize} wide. Training forward needs a WORKSPACE.
     */
    public static DnnlPrimitiveDesc lrnForward(DnnlEngine engine, PropKind prop, LrnAlg alg, DnnlMemoryDesc src,
            DnnlMemoryDesc dst, long localSize, float alpha, float beta, float k) {
        forward(prop);
        positive(localSize, "localSize");
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_lrn_forward_primitive_desc_create", prop + " " + alg + " size " + localSize,
                (out, e, attr) -> Dnnl.dnnl_lrn_forward_primitive_desc_create(out, e, prop.value(), a, s, d,
                        localSize, alpha, beta, k, attr));
    }

    /** Local response normalization backward ({@code dnnl_lrn_backward_primitive_desc_create}). */
    public static DnnlPrimitiveDesc lrnBackward(DnnlEngine engine, LrnAlg alg, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc src, long localSize, float alpha, float beta, float k,
            DnnlPrimitiveDesc hint) {
        positive(localSize, "localSize");
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), s = md(src, "src");
        MemorySegment h = hint(hint);
        int a = Objects.requireNonNull(alg, "alg").value();
        return create(engine, "dnnl_lrn_backward_primitive_desc_create", alg + " size " + localSize,
                (out, e, attr) -> Dnnl.dnnl_lrn_backward_primitive_desc_create(out, e, a, ds, dd, s, localSize, alpha,
                        beta, k, h, attr));
    }

    // ---- batch normalization -------------------------------------------------------------------------------------

    /**
     * Batch normalization forward over N and spatial, per channel C
     * ({@code dnnl_batch_normalization_forward_primitive_desc_create}). MEAN and VARIANCE (biased) are outputs of a
     * training forward and inputs with {@link NormFlag#USE_GLOBAL_STATS}.
     */
    public static DnnlPrimitiveDesc batchNormForward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc src,
            DnnlMemoryDesc dst, float eps, Set<NormFlag> flags) {
        forward(prop);
        checkEps(eps);
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_batch_normalization_forward_primitive_desc_create", prop + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_batch_normalization_forward_primitive_desc_create(out, e, prop.value(), s,
                        d, eps, f, attr));
    }

    /**
     * Batch normalization backward ({@code dnnl_batch_normalization_backward_primitive_desc_create}).
     *
     * @param prop {@link PropKind#BACKWARD} (with DIFF_SCALE/DIFF_SHIFT) or {@link PropKind#BACKWARD_DATA}
     */
    public static DnnlPrimitiveDesc batchNormBackward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc src, float eps, Set<NormFlag> flags, DnnlPrimitiveDesc hint) {
        backward(prop);
        checkEps(eps);
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), s = md(src, "src");
        MemorySegment h = hint(hint);
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_batch_normalization_backward_primitive_desc_create", prop + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_batch_normalization_backward_primitive_desc_create(out, e, prop.value(),
                        ds, dd, s, eps, f, h, attr));
    }

    // ---- layer normalization -------------------------------------------------------------------------------------

    /**
     * Layer normalization forward over the last dimension
     * ({@code dnnl_layer_normalization_forward_primitive_desc_create}). MEAN and VARIANCE hold one value per row
     * (VARIANCE is the biased variance, not rstd; with {@link NormFlag#RMS_NORM} it is the mean of squares and MEAN
     * is unused).
     *
     * @param stats descriptor of MEAN/VARIANCE (src's dims without the last), or null to let oneDNN derive it
     */
    public static DnnlPrimitiveDesc layerNormForward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc src,
            DnnlMemoryDesc dst, DnnlMemoryDesc stats, float eps, Set<NormFlag> flags) {
        forward(prop);
        checkEps(eps);
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        MemorySegment st = stats == null ? MemorySegment.NULL : stats.handle();
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_layer_normalization_forward_primitive_desc_create", prop + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_layer_normalization_forward_primitive_desc_create(out, e, prop.value(), s,
                        d, st, eps, f, attr));
    }

    /**
     * Layer normalization backward ({@code dnnl_layer_normalization_backward_primitive_desc_create}).
     *
     * @param prop {@link PropKind#BACKWARD} (with DIFF_SCALE/DIFF_SHIFT) or {@link PropKind#BACKWARD_DATA}
     * @param stats as for {@link #layerNormForward}, or null
     */
    public static DnnlPrimitiveDesc layerNormBackward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc src, DnnlMemoryDesc stats, float eps, Set<NormFlag> flags,
            DnnlPrimitiveDesc hint) {
        backward(prop);
        checkEps(eps);
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), s = md(src, "src");
        MemorySegment st = stats == null ? MemorySegment.NULL : stats.handle();
        MemorySegment h = hint(hint);
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_layer_normalization_backward_primitive_desc_create", prop + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_layer_normalization_backward_primitive_desc_create(out, e, prop.value(),
                        ds, dd, s, st, eps, f, h, attr));
    }

    // ---- group normalization -------------------------------------------------------------------------------------

    /**
     * Group normalization forward ({@code dnnl_group_normalization_forward_primitive_desc_create}): statistics per
     * (sample, group of C / groups channels); MEAN and VARIANCE are {@code N x groups}.
     */
    public static DnnlPrimitiveDesc groupNormForward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc src,
            DnnlMemoryDesc dst, long groups, float eps, Set<NormFlag> flags) {
        forward(prop);
        checkEps(eps);
        positive(groups, "groups");
        MemorySegment s = md(src, "src"), d = md(dst, "dst");
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_group_normalization_forward_primitive_desc_create",
                prop + " groups " + groups + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_group_normalization_forward_primitive_desc_create(out, e, prop.value(), s,
                        d, groups, eps, f, attr));
    }

    /**
     * Group normalization backward ({@code dnnl_group_normalization_backward_primitive_desc_create}).
     *
     * @param prop {@link PropKind#BACKWARD} (with DIFF_SCALE/DIFF_SHIFT) or {@link PropKind#BACKWARD_DATA}
     */
    public static DnnlPrimitiveDesc groupNormBackward(DnnlEngine engine, PropKind prop, DnnlMemoryDesc diffSrc,
            DnnlMemoryDesc diffDst, DnnlMemoryDesc src, long groups, float eps, Set<NormFlag> flags,
            DnnlPrimitiveDesc hint) {
        backward(prop);
        checkEps(eps);
        positive(groups, "groups");
        MemorySegment ds = md(diffSrc, "diffSrc"), dd = md(diffDst, "diffDst"), s = md(src, "src");
        MemorySegment h = hint(hint);
        int f = NormFlag.bits(Objects.requireNonNull(flags, "flags"));
        return create(engine, "dnnl_group_normalization_backward_primitive_desc_create",
                prop + " groups " + groups + " " + flags,
                (out, e, attr) -> Dnnl.dnnl_group_normalization_backward_primitive_desc_create(out, e, prop.value(),
                        ds, dd, s, groups, eps, f, h, attr));
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    /**
     * The memory descriptor oneDNN expects for {@code arg}, or empty when this primitive does not take that argument
     * (e.g. SCALE without {@link NormFlag#USE_SCALE}, MEAN in inference). The caller closes it.
     */
    public Optional<DnnlMemoryDesc> desc(ExecArg arg) {
        MemorySegment md = argMd(Objects.requireNonNull(arg, "arg"));
        return md.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(DnnlMemoryDesc.copyOf(md));
    }

    /** The bytes {@code arg} needs, or 0 when this primitive does not take it. */
    public long byteSize(ExecArg arg) {
        MemorySegment md = argMd(Objects.requireNonNull(arg, "arg"));
        return md.equals(MemorySegment.NULL) ? 0 : Dnnl.dnnl_memory_desc_get_size(md);
    }

    /** The implementation oneDNN picked, e.g. {@code jit:avx2} or {@code ref:any}. */
    public String implementation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlException.check(Dnnl.dnnl_primitive_desc_query(handle(), Dnnl.dnnl_query_impl_info_str(), 0, out),
                    "dnnl_primitive_desc_query", "impl_info_str");
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(Integer.MAX_VALUE).getString(0);
        }
    }

    /** The borrowed descriptor of {@code arg} in {@code pd}, or NULL when the primitive does not take it. */
    static MemorySegment argMd(MemorySegment pd, ExecArg arg) {
        MemorySegment md = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_exec_arg_md(), arg.id());
        return md.equals(MemorySegment.NULL) || DnnlMemoryDesc.ndims(md) == 0 ? MemorySegment.NULL : md;
    }

    private MemorySegment argMd(ExecArg arg) {
        return argMd(handle(), arg);
    }

    DnnlEngine engine() {
        return engine;
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("DnnlPrimitiveDesc is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            int status = Dnnl.dnnl_primitive_desc_destroy(handle);
            handle = MemorySegment.NULL;
            engine.release();
            DnnlException.check(status, "dnnl_primitive_desc_destroy");
        }
    }

    private static MemorySegment md(DnnlMemoryDesc desc, String name) {
        return Objects.requireNonNull(desc, name).handle();
    }

    private static MemorySegment hint(DnnlPrimitiveDesc hint) {
        return Objects.requireNonNull(hint, "hint (the forward primitive descriptor)").handle();
    }

    /** oneDNN accepts a negative epsilon; the square root of a negative variance + eps is NaN. */
    private static void checkEps(float eps) {
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps: expected a finite value >= 0, got " + eps);
        }
    }

    /** oneDNN accepts an LRN window of 0; sizes and group counts are checked here instead. */
    private static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": expected >= 1, got " + value);
        }
    }

    private static void forward(PropKind prop) {
        if (!Objects.requireNonNull(prop, "prop").isForward()) {
            throw new IllegalArgumentException("prop: expected FORWARD_TRAINING or FORWARD_INFERENCE, got " + prop);
        }
    }

    private static void backward(PropKind prop) {
        if (Objects.requireNonNull(prop, "prop").isForward()) {
            throw new IllegalArgumentException("prop: expected BACKWARD or BACKWARD_DATA, got " + prop);
        }
    }
}
