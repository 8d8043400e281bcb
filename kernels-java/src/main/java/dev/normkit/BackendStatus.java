package dev.normkit;

/**
 * A known path and whether it can run here: {@code detail} is the backend's description when available, the exact
 * reason when not.
 */
public record BackendStatus(String name, boolean available, String detail) {}
