package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.ExecArg.DIFF_DST;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SRC;
import static dev.normkit.onednn.dnnl.ExecArg.DST;
import static dev.normkit.onednn.dnnl.ExecArg.SRC;
import static dev.normkit.onednn.dnnl.ExecArg.WORKSPACE;

import dev.normkit.ChannelLayout;
import dev.normkit.LrnDesc;
import dev.normkit.LrnKernel;
import dev.normkit.Shape;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.LrnAlg;
import dev.normkit.onednn.dnnl.PropKind;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * LRN on oneDNN's {@code lrn_forward} / {@code lrn_backward} primitives. Three primitives are made once: inference
 * forward (what {@link #forward} runs), training forward and backward.
 *
 * <p>oneDNN's backward reads a WORKSPACE that its training forward writes (opaque, implementation-defined), while
 * normkit's backward takes only src and diff_dst. So {@link #backward} first runs the training forward on src into
 * kernel-owned dst and workspace buffers, then the backward: one forward more than a framework that keeps the
 * workspace would run.
 *
 * <p>The conventions: oneDNN's window is symmetric, {@code (localSize-1)/2} each side; for an odd localSize that is
 * PyTorch's window too, so {@link LrnDesc.Convention#PYTORCH} maps onto the same primitive. An even localSize with the
 * PyTorch convention has no oneDNN equivalent and is reported unsupported. N x C runs as N x C x 1 (the same memory).
 */
final class OneDnnLrn extends OneDnnKernel implements LrnKernel {

    /** The descriptors of the three primitives. */
    record Descs(PrimitiveDescs all, DnnlPrimitiveDesc inference, DnnlPrimitiveDesc training,
            DnnlPrimitiveDesc backward) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    private final LrnDesc desc;
    private final StagedPrimitive inference;
    private final StagedPrimitive training;
    private final StagedPrimitive backward;

    OneDnnLrn(DnnlEngine engine, OneDnnThreads threads, LrnDesc desc, Descs pds) {
        super(engine, threads);
        this.desc = desc;
        long n = desc.shape().elementCount();
        try {
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            inference = primitive(pds.inference());
            inference.stage(SRC, n, data0);
            inference.stage(DST, n, data1);

            training = primitive(pds.training());
            training.stage(SRC, n, data0);
            training.fix(DST, n, floats(n)); // backward's forward: its dst is not wanted
            long workspace = pds.training().byteSize(WORKSPACE);
            MemorySegment ws = workspace > 0 ? floats(workspace / Float.BYTES) : null;
            if (ws != null) training.fix(WORKSPACE, workspace / Float.BYTES, ws);

            backward = primitive(pds.backward());
            backward.stage(SRC, n, data0);
            backward.stage(DIFF_DST, n, data1);
            backward.stage(DIFF_SRC, n, data2);
            if (pds.backward().byteSize(WORKSPACE) > 0) {
                if (ws == null) throw new IllegalStateException("lrn: backward needs a workspace forward did not make");
                backward.fix(WORKSPACE, workspace / Float.BYTES, ws);
            }
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /**
     * The oneDNN descriptors of an LRN descriptor.
     *
     * @throws IllegalArgumentException for the PyTorch convention with an even localSize (no oneDNN equivalent), or a
     *     workspace that is not whole floats
     */
    static Descs descs(DnnlEngine engine, LrnDesc d) {
        if (d.convention() == LrnDesc.Convention.PYTORCH && d.localSize() % 2 == 0) {
            throw new IllegalArgumentException("convention: PyTorch's window for the even localSize " + d.localSize()
                    + " reaches " + d.reachBelow() + " below and " + d.reachAbove() + " above; oneDNN's is "
                    + "symmetric, so onednn runs it only with the ONEDNN convention");
        }
        LrnAlg alg = d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS ? LrnAlg.ACROSS_CHANNELS
                : LrnAlg.WITHIN_CHANNEL;
        long size = d.localSize();
        float alpha = d.alpha();
        float beta = d.beta();
        float k = d.k();
        Shape shape = d.shape().rank() == 2 ? Shape.of(d.batch(), d.channels(), 1) : d.shape();
        ChannelLayout layout = d.shape().rank() == 2 ? ChannelLayout.NCHW : d.layout();
        PrimitiveDescs all = new PrimitiveDescs();
        try (DnnlMemoryDesc data = OneDnnBatchNorm.dataDesc(shape, layout)) {
            DnnlPrimitiveDesc inference = all.add(() -> DnnlPrimitiveDesc.lrnForward(engine,
                    PropKind.FORWARD_INFERENCE, alg, data, data, size, alpha, beta, k));
            DnnlPrimitiveDesc training = all.add(() -> DnnlPrimitiveDesc.lrnForward(engine,
                    PropKind.FORWARD_TRAINING, alg, data, data, size, alpha, beta, k));
            DnnlPrimitiveDesc backward = all.add(() -> DnnlPrimitiveDesc.lrnBackward(engine, alg, data, data, data,
                    size, alpha, beta, k, training));
            long workspace = training.byteSize(WORKSPACE);
            if (workspace % Float.BYTES != 0) {
                throw new IllegalArgumentException("shape: oneDNN's LRN workspace for " + d.shape() + " is "
                        + workspace + " bytes, not whole floats");
            }
            return new Descs(all, inference, training, backward);
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
    }

    @Override
    public LrnDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.lrnForward(desc, src, dst);
        begin();
        inference.input(SRC, src);
        inference.output(DST, dst);
        inference.execute(stream);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.lrnBackward(desc, src, diffDst, diffSrc);
        begin();
        training.input(SRC, src);
        training.execute(stream);
        backward.input(SRC, src);
        backward.input(DIFF_DST, diffDst);
        backward.output(DIFF_SRC, diffSrc);
        backward.execute(stream);
    }
}
