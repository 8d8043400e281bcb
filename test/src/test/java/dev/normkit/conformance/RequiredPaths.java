package dev.normkit.conformance;

import java.util.Arrays;
import java.util.List;

/**
 * The paths a test run must find, from the system property {@value #PROPERTY} (a comma list; test/pom.xml sets it).
 * Guards against a suite that passes because a path silently went missing.
 */
final class RequiredPaths {
    private RequiredPaths() {}

    static final String PROPERTY = "normkit.require";

    static List<String> names() {
        String v = System.getProperty(PROPERTY, "");
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
