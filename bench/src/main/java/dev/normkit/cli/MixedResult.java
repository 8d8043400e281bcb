package dev.normkit.cli;

/**
 * One {@code MixedMemoryBench} trial: a kernel direction measured on one kind of memory (native segments on a path,
 * {@code float[]} on its {@code -array} twin) in a fork that had called it on both kinds ({@code seenBoth}) or on that
 * kind only.
 */
record MixedResult(BenchResult result, boolean seenBoth) {}
