package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.StaleReads;
import dev.replicagroup.replica.status.ReplicaException;
import java.util.List;

/**
 * The replica's own LoadGenerator running in the background against the primary Service's ClusterIP (the
 * host routes to the service and pod networks), writes and reads ({@link Settings#LOAD_READ_RATIO}), keeping a
 * history so that recovery can be measured after the fact, and the lost-write and stale-read checks of the same
 * library.
 */
public final class LoadRun implements AutoCloseable {
    private final List<String> bootstrap;
    private final ClientOptions options = Settings.LOAD_CLIENT;
    private final LoadGenerator.Running running;

    private LoadRun(String bootstrap, int clients) {
        this.bootstrap = List.of(bootstrap);
        this.running = new LoadGenerator(this.bootstrap, options, clients, Settings.LOAD_READ_RATIO, true).start();
    }

    public static LoadRun start(String bootstrap, int clients) {
        return new LoadRun(bootstrap, clients);
    }

    /** Stops the clients (each finishes its write in flight) and returns what was measured. */
    public Result stop() {
        LoadReport done = running.stop();
        System.out.println("e2e: load " + done.summary());
        return new Result(done);
    }

    /** Every acknowledged write that a read through the primary Service no longer returns. */
    public List<String> lostWrites(LoadReport done) throws ReplicaException {
        return LoadGenerator.lostWrites(bootstrap, options.withDeadline(Settings.VERIFY_DEADLINE), done.acknowledged());
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
