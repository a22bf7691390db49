package dev.replicagroup.replica.status;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a replica reports about itself (the Admin Status call). */
public record NodeStatus(
        String address,
        Role role,
        long term,
        LogPosition last,
        long commitSeq,
        long commitTerm,
        long appliedSeq,
        String primary,
        List<HelperProgress> helpers,
        List<Map.Entry<String, Integer>> liveness,
        int syncAcks,
        boolean caughtUp,
        long startedAtMillis,
        String problem,
        Timing timing) {

    /** The last committed entry's position: every write this replica acknowledged as primary is at or below it. */
    public LogPosition committed() {
        return new LogPosition(commitTerm, commitSeq);
    }

    /**
     * Leases and failure detection as the replica sees them (docs/failover.md).
     *
     * @param serving                 primary only: it holds its lease and its promotion hold-off is over, so it
     *                                answers reads and acknowledges writes
     * @param leaseRemainingMillis    primary only: how much longer the lease holds without a new ack
     * @param lastPrimary             helper: the primary it last followed (kept after a fence)
     * @param primaryContactAgeMillis helper: how long ago it last heard from {@code lastPrimary}; -1 never
     * @param primaryLost             helper: {@code primaryContactAgeMillis >= detectionMillis}
     * @param holdoffRemainingMillis  what is left of the promotion hold-off it was given, whatever its role now
     */
    public record Timing(
            boolean serving,
            long leaseRemainingMillis,
            String lastPrimary,
            long primaryContactAgeMillis,
            boolean primaryLost,
            int heartbeatMillis,
            int leaseMillis,
            int detectionMillis,
            int clockDriftMillis,
            long holdoffRemainingMillis) {

        /** What a status from a replica that reports no timing (or a test fixture) carries. */
        public static Timing unknown() {
            return new Timing(false, 0, "", -1, false, 0, 0, 0, 0, 0);
        }
    }

    /** Primary: how it sees the helper at {@code address}, if that is one of its helpers. */
    public Optional<HelperProgress> helper(String address) {
        return helpers.stream().filter(h -> h.address().equals(address)).findFirst();
    }

    /** A helper as its primary sees it. */
    public record HelperProgress(String address, long ackedSeq, long lag, boolean connected) {}
}
