package dev.normkit.bench;

import java.util.List;

/** The JVM flags every benchmark fork needs (the same ones the tests and the CLI run with). */
public final class BenchJvm {
    private BenchJvm() {}

    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** For {@code OptionsBuilder.jvmArgsAppend}, which replaces (does not add to) the annotations' fork arguments. */
    public static final List<String> FORK_FLAGS = List.of(ADD_MODULES, VECTOR_MODULE, NATIVE_ACCESS);
}
