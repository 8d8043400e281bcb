import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the {@code float[]} variant of every vector loop template: {@code dev/normkit/vector/*SegmentLoops.java} in
 * {@code kernels-java/src/main/java} becomes {@code *ArrayLoops.java} in {@code kernels-java/src/generated/java}.
 * Run by hand from the repository root after editing a template, and commit both:
 *
 * <pre>java kernels-java/src/build/java/GenerateArrayLoops.java</pre>
 *
 * <p>With {@code --check} it writes nothing and exits 1 if a committed file differs from what it would write
 * ({@code GeneratedLoopsTest} runs that, so a template edited without regenerating fails the build).
 *
 * <p>It rewrites the few forms the templates are written in (the rules are in the package's package-info.java) and fails,
 * naming the file and line, on anything else that touches a segment:
 * <ul>
 *   <li>{@code fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER)} becomes {@code fromArray(F, s, i)};</li>
 *   <li>{@code v.intoMemorySegment(s, Float.BYTES * i, BYTE_ORDER)} becomes {@code v.intoArray(s, i)};</li>
 *   <li>{@code s.getAtIndex(JAVA_FLOAT, i)} becomes {@code s[i]}; {@code s.setAtIndex(JAVA_FLOAT, i, x)} becomes
 *       {@code s[i] = x};</li>
 *   <li>{@code MemorySegment} becomes {@code float[]}; {@code long} becomes {@code int} (indices and counts) except as
 *       a method's return type (a FloatPair); {@code XSegmentLoops} becomes {@code XArrayLoops}.</li>
 * </ul>
 */
public final class GenerateArrayLoops {

    private static final Path TEMPLATES = Path.of("kernels-java/src/main/java/dev/normkit/vector");
    private static final Path OUTPUT = Path.of("kernels-java/src/generated/java/dev/normkit/vector");
    private static final String BYTES = "Float.BYTES * ";
    private static final Pattern LONG_NOT_RETURN_TYPE = Pattern.compile("\\blong\\b(?!\\s+\\w+\\s*\\()");
    private static final Pattern CLASS_DOC = Pattern.compile("/\\*\\*(?:(?!\\*/).)*\\*/\\s*(?=final class)",
            Pattern.DOTALL);
    private static final List<String> LEFTOVERS = List.of("MemorySegment", "JAVA_FLOAT", "BYTE_ORDER", "Float.BYTES",
            "AtIndex", "java.lang.foreign");

    public static void main(String[] args) throws IOException {
        boolean check = Arrays.asList(args).contains("--check");
        if (!check) Files.createDirectories(OUTPUT);
        List<Path> templates;
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            templates = files.filter(p -> p.getFileName().toString().endsWith("SegmentLoops.java")).sorted().toList();
        }
        if (templates.isEmpty()) throw new IllegalStateException("no *SegmentLoops.java in " + TEMPLATES);
        int stale = 0;
        for (Path template : templates) {
            String name = template.getFileName().toString();
            Path out = OUTPUT.resolve(name.replace("SegmentLoops", "ArrayLoops"));
            String generated = generate(name, Files.readString(template));
            if (!check) {
                Files.writeString(out, generated);
                System.out.println(out);
            } else if (!Files.exists(out) || !Files.readString(out).equals(generated)) {
                System.out.println(out + " is not what " + template + " generates: rerun the generator");
                stale++;
            }
        }
        if (stale > 0) System.exit(1);
    }

    static String generate(String name, String source) {
        String templateClass = name.replace(".java", "");
        String s = source;
        s = s.replace("import java.lang.foreign.MemorySegment;\n", "")
                .replace("import static java.lang.foreign.ValueLayout.JAVA_FLOAT;\n", "")
                .replace("import static dev.normkit.vector.RowLoops.BYTE_ORDER;\n", "")
                .replace("import static jdk.incubator.vector.FloatVector.fromMemorySegment;",
                        "import static jdk.incubator.vector.FloatVector.fromArray;");
        s = s.replaceAll("(\\w+)SegmentLoops\\b", "$1ArrayLoops");
        Matcher doc = CLASS_DOC.matcher(s);
        if (!doc.find()) throw new IllegalStateException(name + ": no class javadoc before 'final class'");
        s = s.substring(0, doc.start()) + "/** The {@code float[]} variant of {@link " + templateClass
                + "}, generated from it (see package-info.java). */\n" + s.substring(doc.end());
        s = rewriteCalls(name, s, "fromMemorySegment(", call -> {
            List<String> a = arguments(name, call, 4);
            expect(name, "F", a.get(0));
            expect(name, "BYTE_ORDER", a.get(3));
            return "fromArray(F, " + a.get(1) + ", " + index(name, a.get(2)) + ")";
        });
        s = rewriteCalls(name, s, ".intoMemorySegment(", call -> {
            List<String> a = arguments(name, call, 3);
            expect(name, "BYTE_ORDER", a.get(2));
            return ".intoArray(" + a.get(0) + ", " + index(name, a.get(1)) + ")";
        });
        s = rewriteReceiverCalls(name, s, ".getAtIndex(", (receiver, call) -> {
            List<String> a = arguments(name, call, 2);
            expect(name, "JAVA_FLOAT", a.get(0));
            return receiver + "[" + a.get(1) + "]";
        });
        s = rewriteReceiverCalls(name, s, ".setAtIndex(", (receiver, call) -> {
            List<String> a = arguments(name, call, 3);
            expect(name, "JAVA_FLOAT", a.get(0));
            return receiver + "[" + a.get(1) + "] = " + a.get(2);
        });
        s = s.replace("MemorySegment ", "float[] ");
        StringBuilder lines = new StringBuilder();
        int number = 0;
        for (String line : s.split("\n", -1)) {
            number++;
            String trimmed = line.trim();
            boolean comment = trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//");
            if (!comment) {
                line = LONG_NOT_RETURN_TYPE.matcher(line).replaceAll("int");
                if (line.matches(".*\\b\\d+L\\b.*")) {
                    fail(name, "long literal at generated line " + number + ": " + line.trim());
                }
                for (String leftover : LEFTOVERS) {
                    if (line.contains(leftover)) {
                        fail(name, "'" + leftover + "' left at generated line " + number + ": " + line.trim());
                    }
                }
            }
            lines.append(line).append('\n');
        }
        String header = "// GENERATED from " + name + " by kernels-java/src/build/java/GenerateArrayLoops.java.\n"
                + "// Do not edit: edit the template and rerun the generator.\n";
        return header + lines.toString().stripTrailing() + "\n";
    }

    private interface CallRewrite {
        String apply(String argumentsText);
    }

    private interface ReceiverCallRewrite {
        String apply(String receiver, String argumentsText);
    }

    /** Replaces each {@code opener...)} (balanced) with {@code rewrite} of the text between the parentheses. */
    private static String rewriteCalls(String name, String s, String opener, CallRewrite rewrite) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = s.indexOf(opener); at >= 0; at = s.indexOf(opener, from)) {
            int open = at + opener.length() - 1;
            int close = closing(name, s, open);
            out.append(s, from, at).append(rewrite.apply(s.substring(open + 1, close)));
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    /** As {@link #rewriteCalls} for {@code receiver.method(...)}, the receiver a plain name. */
    private static String rewriteReceiverCalls(String name, String s, String method, ReceiverCallRewrite rewrite) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = s.indexOf(method); at >= 0; at = s.indexOf(method, from)) {
            int start = at;
            while (start > 0 && Character.isJavaIdentifierPart(s.charAt(start - 1))) start--;
            if (start == at) fail(name, "no plain receiver before " + method);
            int open = at + method.length() - 1;
            int close = closing(name, s, open);
            out.append(s, from, start).append(rewrite.apply(s.substring(start, at), s.substring(open + 1, close)));
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    private static int closing(String name, String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            if (c == ')' && --depth == 0) return i;
        }
        fail(name, "unbalanced parenthesis at offset " + open);
        return -1;
    }

    /** The top-level, comma-separated arguments, whitespace collapsed; exactly {@code count} of them. */
    private static List<String> arguments(String name, String text, int count) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (c == ',' && depth == 0) {
                args.add(text.substring(start, i).replaceAll("\\s+", " ").trim());
                start = i + 1;
            }
        }
        args.add(text.substring(start).replaceAll("\\s+", " ").trim());
        if (args.size() != count) fail(name, "expected " + count + " arguments in (" + text + ")");
        return args;
    }

    /** {@code Float.BYTES * (i)} or {@code Float.BYTES * i}: the float index i. */
    private static String index(String name, String byteOffset) {
        if (!byteOffset.startsWith(BYTES)) fail(name, "byte offset not written as 'Float.BYTES * i': " + byteOffset);
        String i = byteOffset.substring(BYTES.length());
        if (i.startsWith("(") && closingInText(i) == i.length() - 1) return i.substring(1, i.length() - 1);
        if (!i.matches("\\w+")) fail(name, "index after 'Float.BYTES * ' must be a name or parenthesized: " + i);
        return i;
    }

    private static int closingInText(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '(') depth++;
            if (s.charAt(i) == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static void expect(String name, String expected, String actual) {
        if (!expected.equals(actual)) fail(name, "expected " + expected + ", found " + actual);
    }

    private static void fail(String name, String message) {
        throw new IllegalStateException(name + ": " + message);
    }
}
