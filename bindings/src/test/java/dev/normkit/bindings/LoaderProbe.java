package dev.normkit.bindings;

/** Run in a child JVM by {@link ConcurrentProcessExtractionTest}: loads oneDNN and prints the outcome on one line. */
public final class LoaderProbe {

    private LoaderProbe() {}

    public static void main(String[] args) {
        OneDnnStatus status = OneDnnLibrary.status();
        System.out.println("available=" + status.available() + " version=" + status.version().map(Object::toString)
                .orElse("-") + " library=" + status.library().map(Object::toString).orElse("-") + " detail="
                + status.detail());
    }
}
