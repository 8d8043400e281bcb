package dev.normkit.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The x86 feature flags of this machine's CPU, from /proc/cpuinfo: what the forced-ISA tests expect to be honoured. */
final class CpuFlags {
    private CpuFlags() {}

    private static final Set<String> FLAGS = read();

    static boolean has(String flag) {
        return FLAGS.contains(flag);
    }

    /** True when the CPU has what oneDNN's avx512_core needs (AVX-512 F, BW, VL, DQ). */
    static boolean hasAvx512Core() {
        return has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512dq");
    }

    private static Set<String> read() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                    .findFirst().map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/cpuinfo", e);
        }
    }
}
