package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.ExecArg.DIFF_DST;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SRC;
import static dev.normkit.onednn.dnnl.ExecArg.DST;
import static dev.normkit.onednn.dnnl.ExecArg.SRC;

import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.onednn.dnnl.DataType;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.FormatTag;
import dev.normkit.onednn.dnnl.PropKind;
import dev.normkit.onednn.dnnl.SoftmaxAlg;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax on oneDNN's {@code softmax} primitive ({@code softmax_accurate} / {@code softmax_log}),
 * along the descriptor's axis of its N-D shape. Two primitives are made once: inference forward, and backward (from
 * the forward output dst, hinted by a training forward descriptor).
 */
final class OneDnnSoftmax extends OneDnnKernel implements SoftmaxKernel {

    /** Plain oneDNN format tags go up to 6-D. */
    private static final int MAX_PLAIN_RANK = 6;

    private final SoftmaxDesc desc;
    private final StagedPrimitive forward;
    private final StagedPrimitive backward;

    /** The descriptors of a softmax kernel; {@code all} also holds the training forward that hints backward. */
    record Descs(PrimitiveDescs all, DnnlPrimitiveDesc forward, DnnlPrimitiveDesc backward)
            implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    OneDnnSoftmax(DnnlEngine engine, OneDnnThreads threads, SoftmaxDesc desc, Descs pds) {
        super(engine, threads);
        this.desc = desc;
        long n = desc.shape().elementCount();
        try {
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            forward = primitive(pds.forward());
            forward.stage(SRC, n, data0);
            forward.stage(DST, n, data1);
            backward = primitive(pds.backward());
            backward.stage(DST, n, data0);
            backward.stage(DIFF_DST, n, data1);
            backward.stage(DIFF_SRC, n, data2);
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /**
     * The oneDNN descriptors of a softmax descriptor. A shape of more than 6 axes is seen as
     * {@code outer x axisLength x inner} (axis 1), which oneDNN computes identically.
     */
    static Descs descs(DnnlEngine engine, SoftmaxDesc d) {
        boolean plain = d.shape().rank() <= MAX_PLAIN_RANK;
        long[] dims = plain ? d.shape().dims() : new long[] {d.outer(), d.axisLength(), d.inner()};
        int axis = plain ? d.axis() : 1;
        SoftmaxAlg alg = d.log() ? SoftmaxAlg.LOG : SoftmaxAlg.ACCURATE;
        PrimitiveDescs all = new PrimitiveDescs();
        try (DnnlMemoryDesc data = DnnlMemoryDesc.of(DataType.F32, FormatTag.plain(dims.length), dims)) {
            DnnlPrimitiveDesc forward = all.add(() -> DnnlPrimitiveDesc.softmaxForward(engine,
                    PropKind.FORWARD_INFERENCE, alg, data, data, axis));
            DnnlPrimitiveDesc hint = all.add(() -> DnnlPrimitiveDesc.softmaxForward(engine,
                    PropKind.FORWARD_TRAINING, alg, data, data, axis));
            DnnlPrimitiveDesc backward = all.add(() -> DnnlPrimitiveDesc.softmaxBackward(engine, alg, data, data,
                    data, axis, hint));
            return new Descs(all, forward, backward);
        }
    }

    @Override
    public SoftmaxDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.softmaxForward(desc, src, dst);
        begin();
        forward.input(SRC, src);
        forward.output(DST, dst);
        forward.execute(stream);
    }

    @Override
    public synchronized void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.softmaxBackward(desc, dst, diffDst, diffSrc);
        begin();
        backward.input(DST, dst);
        backward.input(DIFF_DST, diffDst);
        backward.output(DIFF_SRC, diffSrc);
        backward.execute(stream);
    }
}
