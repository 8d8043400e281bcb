package dev.normkit;

/** A path was requested that cannot run in this JVM; the message names the path and the exact reason. */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String reason;

    public BackendUnavailableException(String path, String reason) {
        this(path, reason, null);
    }

    public BackendUnavailableException(String path, String reason, Throwable cause) {
        super(path + " path unavailable: " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    public String path() {
        return path;
    }

    public String reason() {
        return reason;
    }
}
