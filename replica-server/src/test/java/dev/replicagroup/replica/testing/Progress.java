package dev.replicagroup.replica.testing;

import static org.awaitility.Awaitility.await;

import dev.replicagroup.replica.server.ReplicaServer;
import java.time.Duration;

/** Waits for a load's progress on a primary: what tests check instead of a rate after a fixed sleep. */
public final class Progress {
    /** Generous: this machine's cores are shared, and only progress, not speed, is checked. */
    public static final Duration WITHIN = Duration.ofSeconds(30);

    private Progress() {}

    /**
     * Waits until {@code primary} has committed {@code entries} more than now: the load is making progress there.
     * Fails after {@link #WITHIN} without it.
     */
    public static void awaitCommits(ReplicaServer primary, long entries) {
        long from = primary.node().view().commitSeq();
        await().atMost(WITHIN).until(() -> primary.node().view().commitSeq() >= from + entries);
    }
}
