package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.load.HistoryFile;
import dev.replicagroup.replica.load.LinearizabilityCheck;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.StaleReads;
import dev.replicagroup.replica.status.ReplicaException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The replica's own LoadGenerator running in the background against the primary Service's ClusterIP (the
 * host routes to the service and pod networks), writes and reads ({@link Settings#LOAD_READ_RATIO}), keeping a
 * history so that recovery can be measured after the fact, and the lost-write and stale-read checks of the same
 * library. Beside it the register workload ({@link Settings#REGISTER_CLIENTS} clients on {@link
 * Settings#REGISTER_KEYS} shared keys), whose history {@link #assertLinearizable} checks with tools/lincheck.
 */
public final class LoadRun implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final List<String> bootstrap;
    private final ClientOptions options = Settings.LOAD_CLIENT;
    private final LoadGenerator.Running running;
    private final LoadGenerator.Running registers;
    private LoadReport registersDone;

    private LoadRun(String bootstrap, int clients) {
        this.bootstrap = List.of(bootstrap);
        this.running = new LoadGenerator(this.bootstrap, options, clients, Settings.LOAD_READ_RATIO, true).start();
        this.registers = LoadGenerator.registers(
                        this.bootstrap,
                        options,
                        Settings.REGISTER_CLIENTS,
                        Settings.LOAD_READ_RATIO,
                        Settings.REGISTER_KEYS)
                .start();
    }

    public static LoadRun start(String bootstrap, int clients) {
        return new LoadRun(bootstrap, clients);
    }

    /** Stops the clients (each finishes its write in flight) and returns what was measured. */
    public Result stop() {
        registers.close(); // both told to stop at once; each stop() then waits for its clients' last operation
        LoadReport done = running.stop();
        registersDone = registers.stop();
        System.out.println("e2e: load " + done.summary());
        System.out.println("e2e: register load " + registersDone.summary());
        return new Result(done);
    }

    /**
     * Reads each register back, writes the register workload's history to e2e/target/lincheck/ and fails unless
     * tools/lincheck finds it linearizable (its explanation and Porcupine's visualization are kept beside it).
     */
    public void assertLinearizable() throws IOException, InterruptedException {
        if (registersDone == null) {
            throw new IllegalStateException("assertLinearizable needs the load stopped first (stop())");
        }
        LoadReport report =
                LoadGenerator.readBack(bootstrap, options.withDeadline(Settings.VERIFY_DEADLINE), registersDone);
        Path history = Settings.output()
                .resolve("lincheck")
                .resolve("history-" + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".jsonl")
                .toAbsolutePath();
        HistoryFile.write(history, report.history());
        LinearizabilityCheck.Result result =
                LinearizabilityCheck.inCheckout(Settings.repoRoot()).check(history, Settings.LINCHECK_TIMEOUT);
        System.out.print("e2e: lincheck " + history + " (" + result.took().toMillis() + " ms): " + result.output());
        if (!result.linearizable()) {
            throw new AssertionError("the register workload's history " + history
                    + " is not linearizable (checker exit " + result.exitCode() + "; visualization "
                    + result.visualization() + "):\n" + result.output());
        }
    }

    /** Every acknowledged write that a read through the primary Service no longer returns. */
    public List<String> lostWrites(LoadReport done) throws ReplicaException {
        return lostWrites(bootstrap.get(0), done.acknowledged());
    }

    /** The same for writes (key to value) acknowledged by any earlier run through {@code bootstrap}. */
    public static List<String> lostWrites(String bootstrap, Map<String, String> acknowledged) throws ReplicaException {
        return LoadGenerator.lostWrites(
                List.of(bootstrap), Settings.LOAD_CLIENT.withDeadline(Settings.VERIFY_DEADLINE), acknowledged);
    }

    /** Fails with how many were lost and a few of them (the whole list can be thousands of keys). */
    public static void assertNoneLost(List<String> lost, Result result) {
        if (!lost.isEmpty()) {
            throw new AssertionError(
                    lost.size() + " of " + result.report().acknowledged().size() + " acknowledged writes lost, e.g. "
                            + lost.subList(0, Math.min(10, lost.size())));
        }
    }

    /** Fails if a read returned a value older than a write acknowledged before the read began. */
    public static void assertNoStaleRead(Result result) {
        List<String> stale = StaleReads.find(result.report().history());
        if (!stale.isEmpty()) {
            throw new AssertionError(stale.size() + " of " + result.report().reads() + " reads were stale, e.g. "
                    + stale.subList(0, Math.min(5, stale.size())));
        }
    }

    @Override
    public void close() {
        running.close();
        registers.close();
    }

    /** A finished run with the history's times made absolute (System.nanoTime). */
    public record Result(LoadReport report) {
        /** Acknowledged writes completed in [from, to). */
        public long acknowledgedBetween(long fromNanos, long toNanos) {
            return report.history().stream()
                    .filter(r -> r.ok())
                    .map(r -> report.startNanos() + r.completeNs())
                    .filter(t -> t >= fromNanos && t < toNanos)
                    .count();
        }

        /**
         * Measured up to the moment the load was told to stop: a write still in flight then (retrying, or slow)
         * completes later, and the stretch before it is no outage of the group.
         */
        public Recovery recoveryAfter(long faultNanos) {
            long stopped = report.startNanos() + report.elapsed().toNanos();
            return Recovery.measure(
                    faultNanos,
                    report.history().stream()
                            .filter(r -> r.ok())
                            .mapToLong(r -> report.startNanos() + r.completeNs())
                            .filter(t -> t <= stopped)
                            .sorted()
                            .toArray());
        }
    }
}
