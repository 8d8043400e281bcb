package dev.normkit.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a shared library does not load. {@link SymbolLookup#libraryLookup(Path, Arena)} only says "Cannot open
 * library"; the dynamic linker's own message names the missing dependency, the wrong ELF class or the noexec mount.
 * This asks {@code dlopen}/{@code dlerror} from the C library again, only after a load has already failed.
 */
final class DlopenDiagnosis {

    private static final int RTLD_LAZY = 1;

    private DlopenDiagnosis() {}

    /** The dynamic linker's message for {@code file}, or empty when it cannot be asked or reports no error. */
    static Optional<String> of(Path file) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Optional<MemorySegment> dlopen = libc.find("dlopen");
        Optional<MemorySegment> dlerror = libc.find("dlerror");
        Optional<MemorySegment> dlclose = libc.find("dlclose");
        if (dlopen.isEmpty() || dlerror.isEmpty() || dlclose.isEmpty()) {
            return Optional.empty(); // glibc before 2.34 keeps these in libdl
        }
        MethodHandle open = linker.downcallHandle(dlopen.get(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle error = linker.downcallHandle(dlerror.get(), FunctionDescriptor.of(ValueLayout.ADDRESS));
        MethodHandle close = linker.downcallHandle(dlclose.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) open.invokeExact(arena.allocateFrom(file.toString()), RTLD_LAZY);
            MemorySegment message = (MemorySegment) error.invokeExact();
            if (!handle.equals(MemorySegment.NULL)) {
                int ignored = (int) close.invokeExact(handle);
            }
            if (message.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            return Optional.of(message.reinterpret(Integer.MAX_VALUE).getString(0));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
