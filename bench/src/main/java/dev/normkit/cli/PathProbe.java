package dev.normkit.cli;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.KernelDesc;
import dev.normkit.Support;
import dev.normkit.bench.BenchPath;

/** What the planner asks about a path: can it run here, and does it run this kernel. */
interface PathProbe {

    /** {@code null} if the path can run in this JVM, else the reason it cannot. */
    String unavailableReason(BenchPath path);

    /** Whether an available path runs {@code desc}. */
    Support support(BenchPath path, KernelDesc<?> desc);

    /** The answers of {@link Backends} in this JVM. */
    static PathProbe backends() {
        return new PathProbe() {
            @Override
            public String unavailableReason(BenchPath path) {
                for (BackendStatus s : Backends.status()) {
                    if (s.name().equals(path.backend())) return s.available() ? null : s.detail();
                }
                return "no '" + path.backend() + "' path is known";
            }

            @Override
            public Support support(BenchPath path, KernelDesc<?> desc) {
                return Backends.get(path.backend()).support(desc);
            }
        };
    }
}
