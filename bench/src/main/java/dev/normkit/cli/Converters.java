package dev.normkit.cli;

import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.SizeClass;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values as the command line spells them. A bad value is a usage error (exit status 2) whose message lists what
 * is accepted.
 */
final class Converters {
    private Converters() {}

    static final class KernelConverter implements ITypeConverter<KernelId> {
        @Override
        public KernelId convert(String value) {
            return parse(() -> KernelId.byLabel(value.trim()));
        }
    }

    static final class DirectionConverter implements ITypeConverter<Direction> {
        @Override
        public Direction convert(String value) {
            return parse(() -> Direction.byLabel(value.trim()));
        }
    }

    /** {@code RxC} (any rank: {@code 8x128x768}) or a size class: {@code l2}, {@code llc}, {@code dram}. */
    static final class ShapeConverter implements ITypeConverter<Shape> {
        @Override
        public Shape convert(String value) {
            SizeClass c = SizeClass.byLabelOrNull(value.trim());
            if (c != null) return c.shape();
            return parse(() -> Shape.parse(value));
        }
    }

    /** A channel layout to store a channel kernel's N x C x spatial tensor in: nchw or nhwc. */
    static final class LayoutConverter implements ITypeConverter<ChannelLayout> {
        @Override
        public ChannelLayout convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "nchw" -> ChannelLayout.NCHW;
                case "nhwc" -> ChannelLayout.NHWC;
                default -> throw new TypeConversionException("layout: unknown '" + value.trim() + "'; known: nchw, nhwc");
            };
        }
    }

    /** A benchmark path: scalar, vector, onednn, onednn-array. */
    static final class BenchPathConverter implements ITypeConverter<BenchPath> {
        @Override
        public BenchPath convert(String value) {
            return parse(() -> BenchPath.byLabel(value.trim()));
        }
    }

    /** A library path for the conformance check: scalar, vector, onednn. */
    static final class CheckPathConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.trim();
            if (!Backends.KNOWN.contains(v)) {
                throw new TypeConversionException("path: unknown '" + v + "'; known: " + Backends.KNOWN);
            }
            return v;
        }
    }

    /** Candidates for help texts ({@code ${COMPLETION-CANDIDATES}}). */
    static final class KernelLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(KernelId.values()).map(KernelId::label).iterator();
        }
    }

    static final class DirectionLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Direction.values()).map(Direction::label).iterator();
        }
    }

    static final class BenchPathLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(BenchPath.values()).map(BenchPath::label).iterator();
        }
    }

    static final class CheckPathLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new ArrayList<>(Backends.KNOWN).iterator();
        }
    }

    private static <T> T parse(Supplier<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** The labels of {@code values}, comma-separated. */
    static String labels(List<?> values) {
        return String.join(",", values.stream().map(Object::toString).toList());
    }
}
