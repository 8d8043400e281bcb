package dev.normkit.bench;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quiets the library's one-line-per-path log in the command line and in benchmark forks: they report each path's
 * status themselves (the {@code paths} table, "skipped ..." lines, each fork's "measuring ..." line), and a warning
 * about an unavailable path repeated by every forked JVM would bury the results.
 */
public final class LibraryLog {
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger NORMKIT = Logger.getLogger("dev.normkit");

    private LibraryLog() {}

    public static void quiet() {
        NORMKIT.setLevel(Level.SEVERE);
    }
}
