package dev.normkit.conformance;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the conformance checks: every selected kernel, direction, shape and input family on every selected path,
 * compared with the float64 reference. The JUnit suites and {@code normkit check} share this engine.
 *
 * <pre>{@code
 * for (CheckResult r : Conformance.run(Selection.all())) {
 *     System.out.println(r.kernel() + " " + r.direction() + " " + r.shape() + " " + r.path() + " " + r.pass());
 * }
 * }</pre>
 *
 * A path that reports a descriptor unsupported gives no row for it. A kernel whose {@link Kernel#path()} is not the
 * path that made it fails its row (a silent fallback). A kernel that throws fails its row with the exception in the
 * note.
 */
public final class Conformance {
    private Conformance() {}

    /** Runs every check the selection covers; each case's reference is computed once and shared by the paths. */
    public static List<CheckResult> run(Selection selection) {
        List<Backend> paths = paths(selection);
        List<CheckResult> results = new ArrayList<>();
        for (ConformanceCase c : cases(selection)) {
            List<Backend> supporting = paths.stream().filter(p -> supports(p, c)).toList();
            if (supporting.isEmpty()) continue;
            CaseData data = CaseData.prepare(c);
            for (Backend p : supporting) results.add(check(c, data, p));
        }
        return results;
    }

    /** The shapes a kernel is checked on by default; see {@link Corpus}. */
    public static List<Shape> defaultShapes(KernelId k) {
        return Corpus.defaultShapes(k);
    }

    /** The selected cases, in kernel order: all kernels when the selection names none. */
    public static List<ConformanceCase> cases(Selection selection) {
        List<KernelId> kernels = selection.kernels().isEmpty() ? List.of(KernelId.values()) : selection.kernels();
        List<ConformanceCase> out = new ArrayList<>();
        for (KernelId k : kernels) out.addAll(Corpus.cases(k, selection.shapes()));
        return out;
    }

    /**
     * The selected paths: those named (each must be available), or every available one.
     *
     * @throws dev.normkit.BackendUnavailableException if a named path cannot run here
     */
    public static List<Backend> paths(Selection selection) {
        if (selection.paths().isEmpty()) return Backends.available();
        return selection.paths().stream().map(Backends::get).toList();
    }

    /** Whether the path runs the case's descriptor (no row otherwise). */
    public static boolean supports(Backend path, ConformanceCase c) {
        return path.support(c.desc()).supported();
    }

    /** Runs the case on one path and compares every output with the reference. */
    public static CheckResult check(ConformanceCase c, CaseData data, Backend path) {
        String kernelPath;
        Map<String, float[]> outputs;
        try (Kernel kernel = path.create(c.desc())) {
            kernelPath = kernel.path();
            outputs = PathRunner.run(kernel, c, data);
        } catch (RuntimeException e) {
            return failed(c, path.name(), "threw " + e);
        }
        return evaluate(c, data, path.name(), kernelPath, outputs);
    }

    /**
     * Compares outputs a path produced with the case's reference, under the case's tolerance and the documented
     * oneDNN exclusions. Public so a test can feed it a deliberately wrong result and see it fail.
     *
     * @param path       the path the kernel was asked of
     * @param kernelPath what the kernel says ran it ({@link Kernel#path()}); must equal {@code path}
     * @param outputs    every output the reference has, by name
     */
    public static CheckResult evaluate(ConformanceCase c, CaseData data, String path, String kernelPath,
            Map<String, float[]> outputs) {
        Tolerance tol = Tolerances.of(c);
        OneDnnDifferences.Exclusion excl = OneDnnDifferences.forCase(c, data, path);
        Optional<ErrorMetrics.Comparison> total = Optional.empty();
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            float[] got = outputs.get(e.getKey());
            if (got == null) return failed(c, path, "no output " + e.getKey());
            ErrorMetrics.Comparison cmp = ErrorMetrics.compare(e.getKey(), got, e.getValue(), data.scale(e.getKey()),
                    tol.floor(), tol.maxRel(), excl.mask(e.getKey()));
            total = Optional.of(total.map(t -> t.merge(cmp)).orElse(cmp));
        }
        ErrorMetrics.Comparison t = total.orElseThrow();
        List<String> notes = new ArrayList<>();
        boolean samePath = path.equals(kernelPath);
        if (!samePath) notes.add("kernel made by path " + path + " reports path " + kernelPath + " (silent fallback)");
        if (t.specialMismatches() > 0) {
            notes.add(t.specialMismatches() + " special-value mismatches (NaN/inf policy), first " + t.firstMismatch());
        }
        if (t.maxRel() > tol.maxRel()) notes.add("max_rel " + t.maxRel() + " exceeds " + tol.maxRel());
        if (!excl.reason().isEmpty()) {
            notes.add(excl.reason() + "; " + t.excludedAgreeing() + " of them followed normkit's policy anyway");
        }
        notes.add(tol.reason());
        boolean pass = samePath && t.specialMismatches() == 0 && t.maxRel() <= tol.maxRel();
        return new CheckResult(c.kernel(), c.direction(), c.desc().shape(), path, c.inputsLabel(), t.maxAbs(),
                t.maxRel(), t.maxUlp(), tol.maxRel(), pass, String.join("; ", notes));
    }

    private static CheckResult failed(ConformanceCase c, String path, String why) {
        Tolerance tol = Tolerances.of(c);
        return new CheckResult(c.kernel(), c.direction(), c.desc().shape(), path, c.inputsLabel(), Double.NaN,
                Double.NaN, Double.NaN, tol.maxRel(), false, why);
    }
}
