package dev.normkit.bench;

import java.util.ArrayList;
import java.util.List;

/** The JVM flags every benchmark fork runs with. */
public final class BenchJvm {
    private BenchJvm() {}

    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JMH 1.37 uses sun.misc.Unsafe; JDK 25 would warn about it in every fork. */
    static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    /**
     * Compile in the foreground. Interpreted Vector API code runs about a thousand times slower than compiled, and on a
     * busy two-core machine background C2 compiles left vector kernels interpreted for seconds, past any short warm-up;
     * waiting for each compile makes warm-up end in compiled code. The compiled code is the same.
     */
    static final String FOREGROUND_COMPILE = "-Xbatch";

    /** For {@code OptionsBuilder.jvmArgsAppend}, which replaces (does not add to) the annotations' fork arguments. */
    public static final List<String> FORK_FLAGS = List.of(ADD_MODULES, VECTOR_MODULE, NATIVE_ACCESS, ALLOW_UNSAFE,
            FOREGROUND_COMPILE, OneDnnThreads.FORK_FLAG);

    /**
     * {@link #FORK_FLAGS}, plus every {@code normkit.*} system property of this JVM but oneDNN's thread count (which
     * {@link OneDnnThreads} decides), so a fork runs the configuration this JVM runs ({@code normkit.vector.bits},
     * {@code normkit.backend}, ...). JMH forks inherit only the JVM's start-up arguments, which miss properties set
     * after start, as Surefire sets a test's.
     */
    public static List<String> forkFlags() {
        List<String> flags = new ArrayList<>(FORK_FLAGS);
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("normkit.") && !name.equals(OneDnnThreads.PROPERTY))
                .sorted()
                .forEach(name -> flags.add("-D" + name + "=" + System.getProperty(name)));
        return List.copyOf(flags);
    }
}
