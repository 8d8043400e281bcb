package dev.normkit.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.normkit.bench.Hardware;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON output of the reports: numbers that are not finite (NaN, infinity) or absent are written as {@code null}. */
final class Json {
    private Json() {}

    static void number(JsonObject o, String name, Double value) {
        if (value == null || !Double.isFinite(value)) {
            o.add(name, JsonNull.INSTANCE);
        } else {
            o.addProperty(name, value);
        }
    }

    /**
     * The records with the hardware of the run added to each: {@code cpu}, {@code jdk}, {@code onednn_isa},
     * {@code vector_bits} ({@link Hardware#addTo}).
     */
    static JsonArray withHardware(JsonArray records, Hardware hardware) {
        for (var r : records) hardware.addTo(r.getAsJsonObject());
        return records;
    }

    static String toText(JsonArray records) {
        return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(records) + "\n";
    }

    static void write(Path file, JsonArray records) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toText(records), StandardCharsets.UTF_8);
    }
}
