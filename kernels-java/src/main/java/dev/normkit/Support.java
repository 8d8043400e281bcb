package dev.normkit;

/** Whether a path can run a descriptor, and if not, why. */
public record Support(boolean supported, String reason) {

    private static final Support YES = new Support(true, "");

    public static Support yes() {
        return YES;
    }

    public static Support no(String reason) {
        return new Support(false, reason);
    }
}
