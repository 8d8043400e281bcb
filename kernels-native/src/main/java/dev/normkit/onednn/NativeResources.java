package dev.normkit.onednn;

import java.util.ArrayDeque;
import java.util.Deque;

/** Everything native one kernel owns, closed together, last created first. Closing twice is harmless. */
final class NativeResources implements AutoCloseable {

    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    /** Takes ownership of {@code resource} and returns it. */
    <T extends AutoCloseable> T add(T resource) {
        owned.push(resource);
        return resource;
    }

    /** Closes everything, even when one close fails; the first failure is rethrown with the others suppressed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
