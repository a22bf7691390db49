package dev.replicagroup.replica.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A load history as JSON lines, one operation a line, the format tools/lincheck reads:
 * {@code {"client":0,"key":"k","op":"write","value":"c0-1","invoke_ns":10,"complete_ns":20,"outcome":"ok"}}
 * (value null for a read of an absent key; outcome ok, fail or unknown).
 */
public final class HistoryFile {
    private HistoryFile() {}

    public static void write(Path file, List<OpRecord> history) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (OpRecord op : history) {
                out.write(line(op));
                out.newLine();
            }
        }
    }

    static String line(OpRecord op) {
        return "{\"client\":" + op.client() + ",\"key\":" + quote(op.key()) + ",\"op\":" + quote(op.op())
                + ",\"value\":" + (op.value() == null ? "null" : quote(op.value())) + ",\"invoke_ns\":" + op.invokeNs()
                + ",\"complete_ns\":" + op.completeNs() + ",\"outcome\":"
                + quote(op.outcome().name().toLowerCase(Locale.ROOT)) + "}";
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
