package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.load.HistoryFile;
import dev.replicagroup.replica.load.LinearizabilityCheck;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.StaleReads;
import dev.replicagroup.replica.load.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "load",
        description = "Run a workload from several clients for a while, surviving failovers, and print throughput and"
                + " latency. --workload unique (default): write distinct keys and read them back, check that no read"
                + " was stale, then read every acknowledged write back. --workload register: writes of unique values"
                + " and reads on a few shared keys, each key read once more at the end, and the history checked for"
                + " linearizability (tools/lincheck). Exits 1 if a write was lost, a read was stale, the history is"
                + " not linearizable or the run ended in an outage.")
public class LoadCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Option(
            names = "--workload",
            defaultValue = "unique",
            description = "unique (each write to a key of its own) or register (a few shared keys, the history"
                    + " checked for linearizability) (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(
            names = "--keys",
            defaultValue = "5",
            description = "keys the register workload shares among its clients (default: ${DEFAULT-VALUE})")
    int keys;

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

    @Option(
            names = "--history",
            description = "write one JSON object a line per operation to this file (the register workload writes"
                    + " one in the temporary directory without it: the checker reads it)")
    Path history;

    @Option(
            names = "--check-timeout",
            defaultValue = "120",
            description = "seconds the linearizability checker may take (default: ${DEFAULT-VALUE})")
    long checkTimeoutSeconds;

    // Named by its positive form: picocli sets a negatable option to its fallback value when its own name is
    // given, so an option named --no-verify with fallback true was true either way.
    @Option(
            names = "--verify",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "read every acknowledged write (register: every key) back at the end and fail if one is"
                    + " missing or, for the register workload, the history is not linearizable (default: on;"
                    + " --no-verify skips it)")
    boolean verify;

    @Option(
            names = "--warmup",
            defaultValue = "0",
            description = "seconds of writes, to keys of their own and not counted, before the measured run"
                    + " (default: ${DEFAULT-VALUE})")
    long warmupSeconds;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 second, got " + durationSeconds);
        }
        if (warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmupSeconds);
        }
        Workload kind = Workload.parse(workload);
        // The history is always kept: the stale-read and linearizability checks need it.
        LoadGenerator generator = kind == Workload.REGISTER
                ? LoadGenerator.registers(servers.list(), servers.options(), clients, readRatio, keys)
                : new LoadGenerator(servers.list(), servers.options(), clients, readRatio, true);
        LoadReport report = generator.run(Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds));
        System.out.println(report.summary());
        boolean failed = false;
        if (report.endedInOutage(Duration.ofMillis(outageMillis))) {
            System.out.println("OUTAGE: no write acknowledged in the last "
                    + report.sinceLastWrite().toMillis() + " ms of the run");
            failed = true;
        }
        if (kind == Workload.REGISTER) {
            return checkRegisters(report) && !failed ? 0 : 1;
        }
        writeHistory(report);
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

    /** Reads every key back, writes the history and checks it; true if linearizable (or not verified). */
    private boolean checkRegisters(LoadReport run) throws Exception {
        if (!verify) {
            writeHistory(run);
            return true;
        }
        LoadReport report = LoadGenerator.readBack(servers.list(), servers.options(), run);
        if (history == null) {
            history = Files.createTempFile("load-history-", ".jsonl");
        }
        writeHistory(report);
        LinearizabilityCheck.Result result =
                LinearizabilityCheck.find().check(history, Duration.ofSeconds(checkTimeoutSeconds));
        System.out.print(result.output());
        System.out.println(
                "checker: exit " + result.exitCode() + " after " + result.took().toMillis() + " ms");
        return result.linearizable();
    }

    private void writeHistory(LoadReport report) throws IOException {
        if (history != null) {
            HistoryFile.write(history, report.history());
            System.out.println("history: " + report.history().size() + " operations in " + history);
        }
    }
}
