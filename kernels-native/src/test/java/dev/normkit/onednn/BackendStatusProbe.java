package dev.normkit.onednn;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.bindings.OneDnnLibrary;

/** Run in a child JVM by {@link OneDnnPathConfigurationTest}: prints the loader's status and every path's, a line each. */
public final class BackendStatusProbe {

    private BackendStatusProbe() {}

    public static void main(String[] args) {
        System.out.println("loader|" + OneDnnLibrary.status().available() + "|" + OneDnnLibrary.status().detail());
        for (BackendStatus s : Backends.status()) {
            System.out.println(s.name() + "|" + s.available() + "|" + s.detail());
        }
    }
}
