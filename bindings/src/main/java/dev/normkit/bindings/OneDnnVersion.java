package dev.normkit.bindings;

/**
 * The version a loaded libdnnl.so.3 reports ({@code dnnl_version()}).
 *
 * @param major major version (3)
 * @param minor minor version
 * @param patch patch version
 * @param gitHash the commit oneDNN was built from, as oneDNN reports it
 */
public record OneDnnVersion(int major, int minor, int patch, String gitHash) {

    /** {@code major.minor.patch}, e.g. {@code 3.13.0}. */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
