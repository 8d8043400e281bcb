package dev.normkit.bench;

import java.util.List;

/** The JVM flags every benchmark fork needs (the same ones the tests and the CLI run with). */
public final class BenchJvm {
    private BenchJvm() {}

    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JMH 1.37 uses sun.misc.Unsafe; JDK 25 would warn about it in every fork. */
    static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    /** For {@code OptionsBuilder.jvmArgsAppend}, which replaces (does not add to) the annotations' fork arguments. */
    public static final List<String> FORK_FLAGS = List.of(ADD_MODULES, VECTOR_MODULE, NATIVE_ACCESS, ALLOW_UNSAFE);
}
