package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressFormatTest {

    @Test
    void forkOutputPassesLineByLineExceptTheIncubatorNotice() {
        StringWriter text = new StringWriter();
        ProgressFormat f = new ProgressFormat(new PrintWriter(text), 1);
        f.write((ProgressFormat.INCUBATOR_NOTICE + "\nException in thread main\n").getBytes(StandardCharsets.UTF_8));
        f.write("  at Foo.bar\n".getBytes(StandardCharsets.UTF_8));
        f.flush();
        assertEquals("Exception in thread main\n  at Foo.bar\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jmhBannersAreDroppedButFailuresKept() {
        StringWriter text = new StringWriter();
        ProgressFormat f = new ProgressFormat(new PrintWriter(text), 1);
        f.println("# Run progress: 0.00% complete, ETA 00:00:03");
        f.println("");
        f.println("<failure>");
        f.flush();
        assertEquals("<failure>\n", text.toString().replace(System.lineSeparator(), "\n"));
    }
}
