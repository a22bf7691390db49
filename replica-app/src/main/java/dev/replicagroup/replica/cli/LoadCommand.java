package dev.replicagroup.replica.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.OpRecord;
import dev.replicagroup.replica.load.StaleReads;
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

@Command(
        name = "load",
        description =
                "Write distinct keys and read them back from several clients for a while,"
                        + " surviving failovers; print throughput and latency, check that no read was stale, then read every"
                        + " acknowledged write back. Exits 1 if a write was lost, a read was stale or the run ended in an outage.")
public class LoadCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Option(names = "--clients", defaultValue = "4", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--duration", defaultValue = "10", description = "seconds to run (default: ${DEFAULT-VALUE})")
    long durationSeconds;

    @Option(
            names = "--read-ratio",
            defaultValue = "0.5",
            description = "share of the operations that are reads, in [0, 1) (default: ${DEFAULT-VALUE})")
    double readRatio;

    @Option(
            names = "--outage-ms",
            defaultValue = "3000",
            description = "a run with no write acknowledged in its"
                    + " last this many ms ended in an outage, which is a failure (default: ${DEFAULT-VALUE})")
    long outageMillis;

    @Option(names = "--history", description = "write one JSON object a line per operation to this file")
    Path history;

    @Option(
            names = "--no-verify",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "read every acknowledged write back at the end and fail if one is missing (default: on)")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 second, got " + durationSeconds);
        }
        // The history is always kept: the stale-read check needs it, --history only also writes it out.
        LoadGenerator generator = new LoadGenerator(servers.list(), servers.options(), clients, readRatio, true);
        LoadReport report = generator.run(Duration.ofSeconds(durationSeconds));
        System.out.println(report.summary());
        if (history != null) {
            writeHistory(report.history());
            System.out.println("history: " + report.history().size() + " operations in " + history);
        }
        boolean failed = false;
        if (report.endedInOutage(Duration.ofMillis(outageMillis))) {
            System.out.println("OUTAGE: no write acknowledged in the last "
                    + report.sinceLastWrite().toMillis() + " ms of the run");
            failed = true;
        }
        List<String> stale = StaleReads.find(report.history());
        if (stale.isEmpty()) {
            System.out.println("no stale read among " + report.reads() + " reads");
        } else {
            System.out.println("STALE " + stale.size() + " reads, e.g. " + stale.subList(0, Math.min(5, stale.size())));
            failed = true;
        }
        if (verify) {
            List<String> lost = LoadGenerator.lostWrites(servers.list(), servers.options(), report.acknowledged());
            if (lost.isEmpty()) {
                System.out.println(
                        "verified: all " + report.acknowledged().size() + " acknowledged writes are present");
            } else {
                System.out.println("LOST " + lost.size() + " acknowledged writes, e.g. "
                        + lost.subList(0, Math.min(10, lost.size())));
                failed = true;
            }
        }
        return failed ? 1 : 0;
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
