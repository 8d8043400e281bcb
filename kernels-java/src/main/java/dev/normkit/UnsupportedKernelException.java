package dev.normkit;

/** A path was asked for a kernel it cannot run; the message names the path, the kernel and the reason. */
public final class UnsupportedKernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedKernelException(String path, KernelDesc<?> desc, String reason) {
        super(path + " path cannot run " + desc.kernelName() + " on " + desc.shape() + ": " + reason);
    }
}
