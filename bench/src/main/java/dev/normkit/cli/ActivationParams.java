package dev.normkit.cli;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code normkit run --param NAME=VALUE} for activations, by the names the catalogue gives each one
 * ({@link Activation#alpha()}, {@link Activation#beta()}: PyTorch's, e.g. {@code negative_slope}, {@code min_val},
 * {@code threshold}). The raw slot names {@code alpha} and {@code beta} keep working, except where the activation's
 * own parameter has that name: softplus's and swish's {@code beta} is PyTorch's beta, in the alpha slot, so
 * {@code beta=2} means that, and softplus's beta slot is reached as {@code threshold}. Values are checked by the
 * descriptor, whose message names the slot, the parameter and the range.
 */
final class ActivationParams {
    private ActivationParams() {}

    /** {@code d} with {@code name} set to {@code value}, or null when the activation has no parameter of that name. */
    static ActivationDesc apply(ActivationDesc d, String name, String value) {
        return applyAll(d, Map.of(name, value));
    }

    /**
     * {@code d} with every parameter of {@code params} set, checked once at the end, so that two bounds given in
     * either order (hardtanh's {@code min_val=2 max_val=3}) are never checked against the other's default. Null when a
     * name is not one of the activation's.
     */
    static ActivationDesc applyAll(ActivationDesc d, Map<String, String> params) {
        Activation a = d.activation();
        float alpha = d.alpha();
        float beta = d.beta();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String name = p.getKey();
            boolean alphaSlot = named(a.alpha(), name) || !named(a.beta(), name) && name.equals("alpha");
            boolean betaSlot = !alphaSlot && (named(a.beta(), name) || !named(a.alpha(), name) && name.equals("beta"));
            if (!alphaSlot && !betaSlot) return null;
            float v = DescParams.number(name, p.getValue());
            if (alphaSlot) alpha = v;
            else beta = v;
        }
        return new ActivationDesc(a, d.shape(), alpha, beta);
    }

    /**
     * The names {@code a} takes, for the "it takes ..." message: each used parameter's PyTorch name with its slot, e.g.
     * {@code negative_slope (alpha)}; {@code alpha} and {@code beta} themselves are accepted too but not listed.
     */
    static List<String> names(Activation a) {
        List<String> names = new ArrayList<>();
        if (a.alpha().used()) names.add(a.alpha().name() + " (alpha)");
        if (a.beta().used()) names.add(a.beta().name() + " (beta)");
        if (names.isEmpty()) names.add("no parameters");
        return names;
    }

    private static boolean named(ActivationParam p, String name) {
        return p.used() && p.name().equals(name);
    }
}
