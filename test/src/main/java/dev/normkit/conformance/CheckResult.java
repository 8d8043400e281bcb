package dev.normkit.conformance;

import dev.normkit.Shape;

/**
 * One conformance comparison: a kernel direction on one path, shape and input family, against the float64
 * reference. Errors are the maxima over every output element (and saved statistic / parameter gradient) compared.
 *
 * @param inputs    the input family, e.g. {@code normal}, {@code offset_1e4}, {@code nan_inf}
 * @param maxAbs    max |got - ref|
 * @param maxRel    max |got - ref| / max(|ref|, floor), the floor per kernel as the tolerance states
 * @param ulp       max distance in f32 ulps between got and ref rounded to f32
 * @param tolerance the bound {@code maxRel} must not exceed
 * @param pass      {@code maxRel <= tolerance} and every special value (NaN, inf) where the policy says
 * @param note      why this tolerance, or what was excluded and why; empty when nothing to say
 */
public record CheckResult(KernelId kernel, Direction direction, Shape shape, String path, String inputs,
        double maxAbs, double maxRel, double ulp, double tolerance, boolean pass, String note) {}
