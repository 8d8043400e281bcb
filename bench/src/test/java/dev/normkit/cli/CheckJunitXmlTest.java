package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.normkit.Shape;
import dev.normkit.conformance.CheckResult;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code check --junit} writes one JUnit test case per check record, parsed back here with the JDK's DOM parser. */
class CheckJunitXmlTest {

    @Test
    void checkWritesOneTestCasePerRecord(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("check.json");
        Path xml = dir.resolve("reports/check.xml");
        StringWriter out = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("check", "--kernels", "relu,softmax", "--paths", "scalar", "--shapes", "2x9", "--json",
                        json.toString(), "--junit", xml.toString());
        assertEquals(0, status, out.toString());
        JsonArray records = JsonParser.parseString(Files.readString(json)).getAsJsonArray();

        Document doc = parse(xml);
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(records.size(), cases.getLength(), "one test case per JSON record");
        assertEquals(0, doc.getElementsByTagName("failure").getLength());
        Element root = doc.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertEquals(Integer.toString(records.size()), root.getAttribute("tests"));
        assertEquals("0", root.getAttribute("failures"));
        NodeList suites = doc.getElementsByTagName("testsuite");
        assertEquals(2, suites.getLength(), "one suite per kernel");
        Element first = (Element) cases.item(0);
        String r0 = records.get(0).getAsJsonObject().get("direction").getAsString() + " 2x9 "
                + records.get(0).getAsJsonObject().get("inputs").getAsString() + " on scalar";
        assertEquals(r0, first.getAttribute("name"));
        assertEquals("normkit.check.relu", first.getAttribute("classname"));
    }

    @Test
    void aFailingRecordIsAFailureCarryingItsNumbersAndNote(@TempDir Path dir) throws Exception {
        CheckResult pass = new CheckResult(KernelId.LAYER_NORM, Direction.FORWARD, Shape.of(3, 17), "vector",
                "normal", 2.5e-7, 1.2e-6, 3, 1e-5, true, "");
        CheckResult fail = new CheckResult(KernelId.LAYER_NORM, Direction.BACKWARD, Shape.of(3, 17), "vector",
                "offset_1e4", 0.5, 3.25e-3, 4096, 1e-5, false, "rows <stats> & \"quotes\"");
        CheckResult nan = new CheckResult(KernelId.SOFTMAX, Direction.FORWARD, Shape.of(3, 17), "onednn", "nan_inf",
                Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 1e-5, false, "NaN must propagate");
        Path xml = dir.resolve("check.xml");
        CheckJunitXml.write(xml, CheckReport.json(List.of(pass, fail, nan)));

        Document doc = parse(xml);
        assertEquals(3, doc.getElementsByTagName("testcase").getLength());
        assertEquals("2", doc.getDocumentElement().getAttribute("failures"));
        NodeList failures = doc.getElementsByTagName("failure");
        assertEquals(2, failures.getLength());

        Element f = (Element) failures.item(0);
        Element testcase = (Element) f.getParentNode();
        assertEquals("backward 3x17 offset_1e4 on vector", testcase.getAttribute("name"));
        String message = f.getAttribute("message");
        assertTrue(message.contains("max rel 0.00325") && message.contains("tolerance 1.0E-5"), message);
        assertTrue(message.contains("rows <stats> & \"quotes\""), "the note, escaped and read back: " + message);
        String body = f.getTextContent();
        assertTrue(body.contains("max_abs = 0.5") && body.contains("ulp = 4096"), body);

        Element n = (Element) failures.item(1);
        assertTrue(n.getAttribute("message").contains("max rel null") && n.getAttribute("message")
                .contains("NaN must propagate"), n.getAttribute("message"));
        Element suite = (Element) n.getParentNode().getParentNode();
        assertEquals("normkit.check.softmax", suite.getAttribute("name"));
        assertEquals("1", suite.getAttribute("failures"));
    }

    private static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(xml.toFile());
    }
}
