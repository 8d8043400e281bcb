package dev.normkit.vector;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backends;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.Kernel;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.L2NormalizeKernel;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Runs every vector activation, forward and backward, hot on float[] and on native segments in one JVM, for
 * {@link CompiledPathTest} to read the JIT log of, and then the kernels whose loops inline VectorMath's repeatable exp
 * and log (softmax, log-softmax, a p-norm with p = 3); arguments, if any, name the kernels to run. Prints "done" last.
 */
public final class HotActivations {
    private HotActivations() {}

    static final int CALLS = 3_000;
    /** A length that is no multiple of any vector width, so the staged tail runs too. */
    static final int N = 1_027;

    public static void main(String[] args) {
        ActivationDesc[] descs = {
            new ActivationDesc(Activation.RELU, Shape.of(N), 0f, 0f),
            new ActivationDesc(Activation.LEAKY_RELU, Shape.of(N), 0.01f, 0f),
            ActivationDesc.of(Activation.GELU_ERF, Shape.of(N)),
            ActivationDesc.of(Activation.GELU_TANH, Shape.of(N)),
            new ActivationDesc(Activation.SWISH, Shape.of(N), 0f, 0f),
            new ActivationDesc(Activation.SILU, Shape.of(N), 0f, 0f),
            // piecewise linear (relu6 and hardtanh share clip_v2's loops)
            ActivationDesc.of(Activation.CLIP, Shape.of(N)),
            ActivationDesc.of(Activation.CLIP_V2, Shape.of(N)),
            ActivationDesc.of(Activation.LEAKY_HARDTANH, Shape.of(N)),
            ActivationDesc.of(Activation.LEAKY_HARDTANH_INVERSE, Shape.of(N)),
            ActivationDesc.of(Activation.HARDSIGMOID, Shape.of(N)),
            ActivationDesc.of(Activation.HARDSWISH, Shape.of(N)),
            ActivationDesc.of(Activation.HARDSHRINK, Shape.of(N)),
            ActivationDesc.of(Activation.SOFTSHRINK, Shape.of(N)),
            ActivationDesc.of(Activation.ABS, Shape.of(N)),
            new ActivationDesc(Activation.LINEAR, Shape.of(N), 2f, 1f),
            new ActivationDesc(Activation.LINEAR, Shape.of(N), 0f, 1f),
            ActivationDesc.of(Activation.ROUND, Shape.of(N)),
            // exponential family
            ActivationDesc.of(Activation.ELU, Shape.of(N)),
            ActivationDesc.of(Activation.CELU, Shape.of(N)),
            ActivationDesc.of(Activation.SOFTPLUS, Shape.of(N)),
            ActivationDesc.of(Activation.SIGMOID, Shape.of(N)),
            ActivationDesc.of(Activation.LOG_SIGMOID, Shape.of(N)),
            ActivationDesc.of(Activation.TANH, Shape.of(N)),
            ActivationDesc.of(Activation.TANHSHRINK, Shape.of(N)),
            ActivationDesc.of(Activation.MISH, Shape.of(N)),
            ActivationDesc.of(Activation.EXP, Shape.of(N)),
            ActivationDesc.of(Activation.LOG, Shape.of(N)),
            // sqrt, square, softsign, pow: each pow form (multiplied b = 3, POW b = 2.5, constant b = 0)
            ActivationDesc.of(Activation.SQRT, Shape.of(N)),
            ActivationDesc.of(Activation.SQUARE, Shape.of(N)),
            ActivationDesc.of(Activation.SOFTSIGN, Shape.of(N)),
            ActivationDesc.of(Activation.POW, Shape.of(N)),
            new ActivationDesc(Activation.POW, Shape.of(N), 1f, 2.5f),
            new ActivationDesc(Activation.POW, Shape.of(N), 2f, 0f),
        };
        float[] s = new float[N];
        float[] dy = new float[N];
        for (int i = 0; i < N; i++) {
            s[i] = -8f + 16f * i / N;
            dy[i] = 1f - 0.001f * i;
        }
        float[] d = new float[N];
        float[] dx = new float[N];
        float sink = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(N * 4L, 64).copyFrom(MemorySegment.ofArray(s));
            MemorySegment up = arena.allocate(N * 4L, 64).copyFrom(MemorySegment.ofArray(dy));
            MemorySegment out = arena.allocate(N * 4L, 64);
            for (ActivationDesc desc : descs) {
                if (args.length > 0 && !List.of(args).contains(desc.kernelName())) continue;
                ActivationKernel k = Backends.get("vector").create(desc);
                for (int call = 0; call < CALLS; call++) {
                    k.forward(s, d);
                    k.forward(src, out);
                    if (!desc.activation().hasBackward()) continue; // round is forward only
                    k.backward(s, dy, dx);
                    k.backward(src, up, out);
                }
                sink += d[N - 1] + dx[N - 1] + out.get(ValueLayout.JAVA_FLOAT, 0);
            }
            // Rows of N: the exp and log passes of softmax and of the p-norms' powers (VectorMath.*Repeatable).
            Shape rows = Shape.of(2, N / 2);
            List<Kernel> repeatable = List.of(
                    Backends.get("vector").create(SoftmaxDesc.of(rows)),
                    Backends.get("vector").create(SoftmaxDesc.logOf(rows)),
                    Backends.get("vector").create(L2NormalizeDesc.of(rows).withP(3f)),
                    Backends.get("vector").create(DivisiveNormDesc.acrossChannels(Shape.of(1, 8, 4, 4), 3)
                            .withP(3f)));
            int n = 2 * (N / 2);
            for (Kernel k : repeatable) {
                if (args.length > 0 && !List.of(args).contains(k.desc().kernelName())) continue;
                for (int call = 0; call < CALLS; call++) {
                    switch (k) {
                        case SoftmaxKernel sm -> {
                            sm.forward(src.asSlice(0, n * 4L), out.asSlice(0, n * 4L));
                            sm.forward(Arrays.copyOf(s, n), d);
                            sm.backward(out.asSlice(0, n * 4L), up.asSlice(0, n * 4L), out.asSlice(0, n * 4L));
                        }
                        case L2NormalizeKernel l2 -> {
                            l2.forward(src.asSlice(0, n * 4L), out.asSlice(0, n * 4L));
                            l2.backward(Arrays.copyOf(s, n), Arrays.copyOf(dy, n), dx);
                        }
                        case DivisiveNormKernel w -> {
                            w.forward(Arrays.copyOf(s, 128), d);
                            w.backward(Arrays.copyOf(s, 128), Arrays.copyOf(dy, 128), dx, null);
                        }
                        default -> throw new IllegalStateException(k.toString());
                    }
                }
                sink += out.get(ValueLayout.JAVA_FLOAT, 0) + dx[0];
            }
        }
        System.out.println("done " + sink);
    }
}
