package dev.normkit.cli;

import dev.normkit.ActivationDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The descriptor parameters {@code normkit run --param NAME=VALUE} sets, by the names the API's docs use, each with the
 * descriptor types that have it. This is the one table to extend when a descriptor gains a parameter; the shape comes
 * from the input files, not from here. An activation's parameters come from the catalogue instead
 * ({@link ActivationParams}): PyTorch's names, with {@code alpha}/{@code beta} for the raw slots.
 */
final class DescParams {
    private DescParams() {}

    /** One parameter: its name, the descriptor type that has it, and how a value sets it. */
    private record Param<D extends KernelDesc<?>>(String name, Class<D> type, BiFunction<D, String, D> set) {
        KernelDesc<?> apply(KernelDesc<?> desc, String value) {
            return set.apply(type.cast(desc), value);
        }
    }

    private static final List<Param<?>> PARAMS = List.of(
            new Param<>("eps", LayerNormDesc.class, (d, v) -> d.withEps(number("eps", v))),
            new Param<>("normalized_axes", LayerNormDesc.class, (d, v) -> d.withNormalizedAxes(integer(
                    "normalized_axes", v))),
            new Param<>("use_scale", LayerNormDesc.class, (d, v) -> d.withScale(bool("use_scale", v))),
            new Param<>("use_shift", LayerNormDesc.class, (d, v) -> d.withShift(bool("use_shift", v))),
            new Param<>("eps", RmsNormDesc.class, (d, v) -> d.withEps(number("eps", v))),
            new Param<>("normalized_axes", RmsNormDesc.class, (d, v) -> d.withNormalizedAxes(integer(
                    "normalized_axes", v))),
            new Param<>("use_scale", RmsNormDesc.class, (d, v) -> d.withScale(bool("use_scale", v))),
            new Param<>("axis", SoftmaxDesc.class, (d, v) -> d.withAxis(integer("axis", v))),
            new Param<>("dim", WeightNormDesc.class, (d, v) -> d.withDim(integer("dim", v))),
            new Param<>("power_iterations", SpectralNormDesc.class,
                    (d, v) -> d.withPowerIterations(integer("power_iterations", v))),
            new Param<>("eps", SpectralNormDesc.class, (d, v) -> d.withEps(number("eps", v))),
            new Param<>("p", L2NormalizeDesc.class, (d, v) -> d.withP(number("p", v))),
            new Param<>("eps", L2NormalizeDesc.class, (d, v) -> d.withEps(number("eps", v))),
            new Param<>("normalized_axes", L2NormalizeDesc.class, (d, v) -> d.withNormalizedAxes(integer(
                    "normalized_axes", v))),
            new Param<>("p", DivisiveNormDesc.class, (d, v) -> d.withP(number("p", v))),
            new Param<>("sigma", DivisiveNormDesc.class, (d, v) -> d.withSigma(number("sigma", v))),
            new Param<>("gain", DivisiveNormDesc.class, (d, v) -> d.withGain(number("gain", v))),
            new Param<>("normalized_axes", DivisiveNormDesc.class, (d, v) -> d.withNormalizedAxes(integer(
                    "normalized_axes", v))),
            // The channel window: region=across_channels, or layout / local_size alone, which imply it.
            new Param<>("region", DivisiveNormDesc.class, (d, v) -> d.withRegion(region(v))),
            new Param<>("layout", DivisiveNormDesc.class, (d, v) -> across(d, layout(v))),
            new Param<>("local_size", DivisiveNormDesc.class, (d, v) -> across(d).withLocalSize(integer(
                    "local_size", v))));

    private static DivisiveNormDesc across(DivisiveNormDesc d) {
        return d.withRegion(DivisiveNormDesc.Region.ACROSS_CHANNELS);
    }

    /** Across channels in layout l, keeping the window where it fits that layout's C, else the default window. */
    private static DivisiveNormDesc across(DivisiveNormDesc d, ChannelLayout l) {
        DivisiveNormDesc a = across(d);
        if (a.layout() == l) return a;
        Shape s = a.shape();
        long c = l.accepts(s.rank()) ? s.dim(l.channelAxis(s.rank())) : DivisiveNormDesc.DEFAULT_LOCAL_SIZE;
        long size = a.localSize() <= c ? a.localSize()
                : Math.min(DivisiveNormDesc.DEFAULT_LOCAL_SIZE, c % 2 == 1 ? c : c - 1);
        return new DivisiveNormDesc(s, DivisiveNormDesc.Region.ACROSS_CHANNELS, 0, l, size, a.p(), a.sigma(),
                a.gain());
    }

    private static DivisiveNormDesc.Region region(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "last_axes" -> DivisiveNormDesc.Region.LAST_AXES;
            case "across_channels" -> DivisiveNormDesc.Region.ACROSS_CHANNELS;
            default -> throw new IllegalArgumentException("region: expected last_axes or across_channels, got '" + v
                    + "'");
        };
    }

    private static ChannelLayout layout(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "nc" -> ChannelLayout.NC;
            case "nchw" -> ChannelLayout.NCHW;
            case "nhwc" -> ChannelLayout.NHWC;
            default -> throw new IllegalArgumentException("layout: expected nc, nchw or nhwc, got '" + v + "'");
        };
    }

    /**
     * {@code desc} with parameter {@code name} set to {@code value}.
     *
     * @throws IllegalArgumentException starting with the parameter's name: unknown for this kernel, or a bad value
     */
    static KernelDesc<?> apply(KernelDesc<?> desc, String name, String value) {
        if (desc instanceof ActivationDesc a) {
            ActivationDesc set = ActivationParams.apply(a, name, value);
            if (set != null) return set;
        }
        for (Param<?> p : PARAMS) {
            if (p.name().equals(name) && p.type().isInstance(desc)) return p.apply(desc, value);
        }
        throw new IllegalArgumentException(name + ": unknown parameter for " + desc.kernelName() + "; it takes "
                + names(desc));
    }

    /**
     * {@code desc} with every parameter of {@code params} set; an activation's are set together and checked once (see
     * {@link ActivationParams#applyAll}).
     *
     * @throws IllegalArgumentException starting with the parameter's name: unknown for this kernel, or a bad value
     */
    static KernelDesc<?> applyAll(KernelDesc<?> desc, Map<String, String> params) {
        if (desc instanceof ActivationDesc a && !params.isEmpty()) {
            ActivationDesc set = ActivationParams.applyAll(a, params);
            if (set != null) return set;
        }
        for (Map.Entry<String, String> p : params.entrySet()) desc = apply(desc, p.getKey(), p.getValue());
        return desc;
    }

    /** The parameters {@code desc}'s kernel takes. */
    static List<String> names(KernelDesc<?> desc) {
        if (desc instanceof ActivationDesc a) return ActivationParams.names(a.activation());
        return PARAMS.stream().filter(p -> p.type().isInstance(desc)).map(Param::name).toList();
    }

    static float number(String name, String v) {
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a number, got '" + v + "'");
        }
    }

    private static int integer(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected an integer, got '" + v + "'");
        }
    }

    private static boolean bool(String name, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(name + ": expected true or false, got '" + v + "'");
        };
    }
}
