package dev.normkit.conformance;

import dev.normkit.ActivationKernel;
import dev.normkit.BatchNormKernel;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.GroupNormKernel;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Kernel;
import dev.normkit.L2NormalizeKernel;
import dev.normkit.LayerNormKernel;
import dev.normkit.LrnKernel;
import dev.normkit.RmsNormKernel;
import dev.normkit.SoftmaxKernel;
import dev.normkit.SpectralNormKernel;
import dev.normkit.WeightNormKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one case's direction on a kernel a path made, from native segments ({@link Arena#ofConfined()}) or, for heap
 * cases, from {@code float[]} arrays wrapped as heap segments (what the kernels' {@code float[]} overloads pass), and
 * returns every output as an f32 array.
 *
 * <p>Outputs start filled with {@link #POISON}, a finite value no kernel computes here, so an output a kernel forgets
 * to write fails the comparison instead of passing on leftover zeros. An output named like an input (batch norm's
 * running statistics, updated in place) starts as that input instead.
 */
final class PathRunner {
    private PathRunner() {}

    static final float POISON = -1.2345e33f;

    static Map<String, float[]> run(Kernel kernel, ConformanceCase c, CaseData data) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            float[] a = new float[e.getValue().length];
            Arrays.fill(a, POISON);
            float[] initial = data.input(e.getKey()); // an in/out argument (running statistics) starts as its input
            if (initial != null) System.arraycopy(initial, 0, a, 0, a.length);
            out.put(e.getKey(), a);
        }
        Map<String, MemorySegment> in = new LinkedHashMap<>();
        Map<String, MemorySegment> res = new LinkedHashMap<>();
        if (c.heap()) {
            // Copies, so a kernel that wrongly writes an input cannot corrupt the case for the next path.
            data.inputs().forEach((name, a) -> in.put(name, MemorySegment.ofArray(a.clone())));
            out.forEach((name, a) -> res.put(name, MemorySegment.ofArray(a)));
            run(kernel, c.direction(), in, res);
        } else {
            try (Arena arena = Arena.ofConfined()) {
                data.inputs().forEach((name, a) -> in.put(name, copyIn(arena, a)));
                out.forEach((name, a) -> res.put(name, copyIn(arena, a)));
                run(kernel, c.direction(), in, res);
                res.forEach((name, s) -> MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, out.get(name), 0,
                        out.get(name).length));
            }
        }
        return out;
    }

    private static MemorySegment copyIn(Arena arena, float[] a) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, a.length));
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        return s;
    }

    private static void run(Kernel kernel, Direction dir, Map<String, MemorySegment> in,
            Map<String, MemorySegment> out) {
        switch (kernel) {
            case LayerNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"), in.get("scale"), in.get("shift"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("dst"), in.get("scale"),
                            in.get("shift"), out.get("mean"), out.get("rstd"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("scale"), in.get("mean"),
                            in.get("rstd"), out.get("diff_src"), out.get("diff_scale"), out.get("diff_shift"));
                }
            }
            case RmsNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"), in.get("scale"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("dst"), in.get("scale"),
                            out.get("rstd"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("scale"), in.get("rstd"),
                            out.get("diff_src"), out.get("diff_scale"));
                }
            }
            case SoftmaxKernel k -> {
                if (dir == Direction.FORWARD) {
                    k.forward(in.get("src"), out.get("dst"));
                } else {
                    k.backward(in.get("dst"), in.get("diff_dst"), out.get("diff_src"));
                }
            }
            case ActivationKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"));
                    case BACKWARD -> k.backward(in.get("src"), in.get("diff_dst"), out.get("diff_src"));
                    default -> k.backwardFromDst(in.get("dst"), in.get("diff_dst"), out.get("diff_src"));
                }
            }
            case GroupNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"), in.get("scale"), in.get("shift"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("dst"), in.get("scale"),
                            in.get("shift"), out.get("mean"), out.get("variance"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("scale"), in.get("mean"),
                            in.get("variance"), out.get("diff_src"), out.get("diff_scale"), out.get("diff_shift"));
                }
            }
            case BatchNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"), in.get("scale"), in.get("shift"),
                            in.get("mean"), in.get("variance"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("dst"), in.get("scale"),
                            in.get("shift"), out.get("mean"), out.get("variance"), out.get("running_mean"),
                            out.get("running_var"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("scale"), in.get("mean"),
                            in.get("variance"), in.get("dst"), out.get("diff_src"), out.get("diff_scale"),
                            out.get("diff_shift"));
                }
            }
            case InstanceNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), out.get("dst"), in.get("scale"), in.get("shift"),
                            in.get("running_mean"), in.get("running_var"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("dst"), in.get("scale"),
                            in.get("shift"), out.get("mean"), out.get("variance"), out.get("running_mean"),
                            out.get("running_var"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("scale"), in.get("mean"),
                            in.get("variance"), out.get("diff_src"), out.get("diff_scale"), out.get("diff_shift"));
                }
            }
            case WeightNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), in.get("scale"), out.get("dst"));
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), in.get("scale"), out.get("dst"),
                            out.get("norm"));
                    default -> k.backward(in.get("src"), in.get("scale"), in.get("norm"), in.get("diff_dst"),
                            out.get("diff_src"), out.get("diff_scale"));
                }
            }
            case SpectralNormKernel k -> {
                switch (dir) {
                    case FORWARD -> k.forward(in.get("src"), in.get("u"), in.get("v"), out.get("dst"));
                    // u and v are updated in place: their outputs start as the inputs
                    case FORWARD_TRAINING -> k.forwardTraining(in.get("src"), out.get("u"), out.get("v"),
                            out.get("dst"), out.get("sigma"));
                    default -> k.backward(in.get("src"), in.get("diff_dst"), in.get("u"), in.get("v"),
                            in.get("sigma"), out.get("diff_src"));
                }
            }
            case LrnKernel k -> {
                if (dir == Direction.FORWARD) {
                    k.forward(in.get("src"), out.get("dst"));
                } else {
                    k.backward(in.get("src"), in.get("diff_dst"), out.get("diff_src"));
                }
            }
            case L2NormalizeKernel k -> {
                if (dir == Direction.FORWARD) {
                    k.forward(in.get("src"), out.get("dst"));
                } else {
                    k.backward(in.get("src"), in.get("diff_dst"), out.get("diff_src"));
                }
            }
            case DivisiveNormKernel k -> {
                if (dir == Direction.FORWARD) {
                    k.forward(in.get("src"), out.get("dst"));
                } else {
                    k.backward(in.get("src"), in.get("diff_dst"), out.get("diff_src"), out.get("diff_gain"));
                }
            }
            default -> throw new IllegalArgumentException("kernel: unknown kind " + kernel.getClass().getName());
        }
    }
}
