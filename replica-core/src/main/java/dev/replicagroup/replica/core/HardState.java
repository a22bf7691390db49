package dev.replicagroup.replica.core;

import java.util.List;

/**
 * What a replica must remember across a restart besides its log and snapshot (etcd raft's HardState): its term
 * (the fence: it never again follows a primary of a lower term), the primary it knew in that term (so that,
 * restarted, it is not promoted in a term that already has a primary), whether it ever caught up with a
 * primary (a failover candidate), and the other servers it knew (promoted after a restart, it reaches out to
 * them as before, also to a helper that lost its primary and that nobody else tells whom to follow).
 *
 * @param primary the primary of {@code term} it followed or was; empty if it knew none
 */
public record HardState(long term, String primary, boolean caughtUp, List<String> peers) {
    public static final HardState NONE = new HardState(0, "", false, List.of());

    public HardState {
        peers = List.copyOf(peers);
    }
}
