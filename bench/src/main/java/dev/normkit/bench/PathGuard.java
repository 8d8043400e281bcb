package dev.normkit.bench;

import dev.normkit.Kernel;

/** A benchmark must never measure a different path than it claims: this is the check every workload passes. */
final class PathGuard {
    private PathGuard() {}

    /** @throws IllegalStateException if {@code kernel} does not run on {@code requested}'s backend */
    static void requireRanOn(BenchPath requested, Kernel kernel) {
        if (!requested.backend().equals(kernel.path())) {
            throw new IllegalStateException("path: requested " + requested + " (backend " + requested.backend()
                    + ") but the kernel runs on " + kernel.path() + "; refusing to measure the wrong path");
        }
    }
}
