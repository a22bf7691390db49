package dev.replicagroup.replica.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.OpRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "load", description = "Write distinct keys from several clients for a while, surviving failovers;"
        + " print throughput and latency, then read every acknowledged write back.")
public class LoadCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Option(names = "--clients", defaultValue = "4", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--duration", defaultValue = "10", description = "seconds to run (default: ${DEFAULT-VALUE})")
    long durationSeconds;

    @Option(names = "--history", description = "write one JSON object a line per operation to this file")
    Path history;

    @Option(names = "--no-verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "read every acknowledged write back at the end and fail if one is missing (default: on)")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 second, got " + durationSeconds);
        }
        LoadGenerator generator = new LoadGenerator(servers.list(), servers.options(), clients, history != null);
        LoadReport report = generator.run(Duration.ofSeconds(durationSeconds));
        System.out.println(report.summary());
        if (history != null) {
            writeHistory(report.history());
            System.out.println("history: " + report.history().size() + " operations in " + history);
        }
        if (!verify) {
            return 0;
        }
        List<String> lost = LoadGenerator.lostWrites(servers.list(), servers.options(), report.acknowledged());
        if (lost.isEmpty()) {
            System.out.println("verified: all " + report.acknowledged().size() + " acknowledged writes are present");
            return 0;
        }
        System.out.println("LOST " + lost.size() + " acknowledged writes, e.g. " + lost.subList(0, Math.min(10, lost.size())));
        return 1;
    }

    private void writeHistory(List<OpRecord> ops) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(history)) {
            for (OpRecord op : ops) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("op", op.op());
                line.put("key", op.key());
                line.put("value", op.value());
                line.put("ok", op.ok());
                line.put("invoke_ns", op.invokeNs());
                line.put("complete_ns", op.completeNs());
                out.write(json.writeValueAsString(line));
                out.newLine();
            }
        }
    }
}
