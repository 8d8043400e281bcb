package dev.normkit.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The check records as JUnit XML (the Ant/Surefire format CI servers read): one {@code testsuite} per kernel, one
 * {@code testcase} per record, named {@code DIRECTION SHAPE INPUTS on PATH}; a failing record gets a {@code failure}
 * whose message says max rel against the tolerance and the note, and whose text lists every field of the record.
 *
 * <p>Records are read by field name from the JSON {@link CheckReport#json} writes, so fields added to the records later
 * appear in the failure text without a change here.
 */
final class CheckJunitXml {
    private CheckJunitXml() {}

    static void write(Path file, JsonArray records) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            write(w, records);
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException(file + ": cannot write JUnit XML: " + e.getMessage(), e);
        }
    }

    private static void write(XMLStreamWriter w, JsonArray records) throws XMLStreamException {
        Map<String, List<JsonObject>> suites = new LinkedHashMap<>();
        for (JsonElement e : records) {
            JsonObject r = e.getAsJsonObject();
            suites.computeIfAbsent(text(r, "kernel"), k -> new ArrayList<>()).add(r);
        }
        w.writeStartDocument("UTF-8", "1.0");
        w.writeCharacters("\n");
        w.writeStartElement("testsuites");
        w.writeAttribute("name", "normkit check");
        w.writeAttribute("tests", Integer.toString(records.size()));
        w.writeAttribute("failures", Long.toString(failures(records.asList())));
        w.writeAttribute("errors", "0");
        for (Map.Entry<String, List<JsonObject>> suite : suites.entrySet()) {
            w.writeCharacters("\n  ");
            w.writeStartElement("testsuite");
            w.writeAttribute("name", "normkit.check." + suite.getKey());
            w.writeAttribute("tests", Integer.toString(suite.getValue().size()));
            w.writeAttribute("failures", Long.toString(failures(suite.getValue())));
            w.writeAttribute("errors", "0");
            w.writeAttribute("skipped", "0");
            for (JsonObject r : suite.getValue()) testcase(w, suite.getKey(), r);
            w.writeCharacters("\n  ");
            w.writeEndElement();
        }
        w.writeCharacters("\n");
        w.writeEndElement();
        w.writeCharacters("\n");
        w.writeEndDocument();
    }

    private static void testcase(XMLStreamWriter w, String kernel, JsonObject r) throws XMLStreamException {
        w.writeCharacters("\n    ");
        w.writeStartElement("testcase");
        w.writeAttribute("classname", "normkit.check." + kernel);
        w.writeAttribute("name", text(r, "direction") + " " + text(r, "shape") + " " + text(r, "inputs") + " on "
                + text(r, "path"));
        w.writeAttribute("time", "0");
        if (!passed(r)) {
            w.writeCharacters("\n      ");
            w.writeStartElement("failure");
            w.writeAttribute("type", "tolerance");
            w.writeAttribute("message", message(r));
            w.writeCharacters(fields(r));
            w.writeEndElement();
            w.writeCharacters("\n    ");
        }
        w.writeEndElement();
    }

    /**
     * {@code max rel 3.1E-4, tolerance 1.0E-5, max abs ..., ulp ... (note)}: no "greater than", as a check also fails
     * on special values (NaN, infinity) within tolerance, which the note explains. A non-finite number reads
     * {@code null}.
     */
    static String message(JsonObject r) {
        String m = "max rel " + text(r, "max_rel") + ", tolerance " + text(r, "tolerance") + ", max abs "
                + text(r, "max_abs") + ", ulp " + text(r, "ulp");
        JsonElement n = r.get("note");
        String note = n == null || n.isJsonNull() ? "" : text(n);
        return note.isEmpty() ? m : m + " (" + note + ")";
    }

    /** Every field of the record, one {@code name = value} per line. */
    private static String fields(JsonObject r) {
        StringBuilder b = new StringBuilder("\n");
        for (Map.Entry<String, JsonElement> f : r.entrySet()) {
            b.append(f.getKey()).append(" = ").append(text(f.getValue())).append('\n');
        }
        return b.toString();
    }

    private static long failures(List<? extends JsonElement> records) {
        return records.stream().filter(e -> !passed(e.getAsJsonObject())).count();
    }

    private static boolean passed(JsonObject r) {
        JsonElement p = r.get("pass");
        return p != null && p.isJsonPrimitive() && p.getAsBoolean();
    }

    private static String text(JsonObject r, String field) {
        return text(r.get(field));
    }

    private static String text(JsonElement e) {
        if (e == null || e.isJsonNull()) return "null";
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }
}
