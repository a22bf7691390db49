package dev.replicagroup.replica.failover;

import java.util.List;

/**
 * How long a new primary must wait before it serves, so that no read on the old primary can miss a write the
 * new one acknowledges. The old primary serves only while {@code max(syncAcks, 1)} helpers acked one of its
 * heartbeats within the lease; a failover fences (or hears from) {@code helpers - syncAcks + 1} of them, so
 * every lease the old primary could still hold rests on at least one of those. If each of them last heard from
 * the old primary at least {@code age} ago, the old lease ends at the latest {@code lease + drift - age} from
 * now. A fenced old primary (it answered the fence) serves nothing; but if it was itself still waiting out a
 * hold-off, the primary before it may still serve, so the new primary inherits what was left of that wait.
 */
public final class LeaseHoldoff {
    private LeaseHoldoff() {}

    /**
     * @param oldPrimaryFenced  the old primary itself answered the fence in the new term
     * @param oldPrimaryHoldoffMillis what was left of the old primary's own hold-off when it answered the fence
     * @param contactAgesMillis each fenced helper's time since it last heard from the old primary; -1 (never, as
     *                          far as this process knows: it may have restarted since it last acked) counts as 0
     * @param helpers           the group's helper count (wanted, not only those alive)
     * @param syncAcks          the group's syncAcks
     * @param leaseMillis       the replicas' lease
     * @param clockDriftMillis  the allowance for clocks running at different rates
     * @return milliseconds the new primary waits before it answers reads or acknowledges writes
     */
    public static long millis(
            boolean oldPrimaryFenced,
            long oldPrimaryHoldoffMillis,
            List<Long> contactAgesMillis,
            int helpers,
            int syncAcks,
            long leaseMillis,
            long clockDriftMillis) {
        long bound = leaseMillis + clockDriftMillis;
        if (oldPrimaryFenced) {
            return Math.max(0, oldPrimaryHoldoffMillis);
        }
        if (helpers == 0) {
            return 0;
        }
        int quorum = Math.max(1, Math.min(helpers, helpers - syncAcks + 1));
        List<Long> ages = contactAgesMillis.stream()
                .map(age -> Math.max(0, age))
                .sorted((a, b) -> Long.compare(b, a))
                .toList();
        if (ages.size() < quorum) {
            return bound;
        }
        // The quorum-th largest age: that many helpers have each been out of touch at least this long.
        long age = ages.get(quorum - 1);
        return age >= bound ? 0 : bound - age;
    }
}
