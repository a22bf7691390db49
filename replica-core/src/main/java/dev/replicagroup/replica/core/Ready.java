package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What the driver must do after an input (etcd raft's Ready): send {@code sendAtOnce} (they may go while it
 * persists), make {@code durable} durable and call {@link ReplicaMachine#persisted()}, then send {@code messages}
 * and answer the writes of the {@code applied} entries; then ask for the next Ready, which holds what its persist
 * committed.
 */
public record Ready(List<Message> sendAtOnce, List<Message> messages, List<Applied> applied, DurableChanges durable) {

    /** Splits the outbox of a replica in {@code role} into what may go before {@code durable} is durable and the rest. */
    static Ready of(List<Message> outbox, Role role, List<Applied> applied, DurableChanges durable) {
        List<Message> atOnce = new ArrayList<>();
        List<Message> afterPersist = new ArrayList<>();
        for (Message m : outbox) {
            (maySendBeforePersist(m, role, durable) ? atOnce : afterPersist).add(m);
        }
        return new Ready(List.copyOf(atOnce), List.copyOf(afterPersist), applied, durable);
    }

    /**
     * Whether {@code m} may leave while {@code durable} is still being written (raft thesis 10.2.1: the leader
     * writes its disk in parallel with sending to its followers). Only a primary's Append, and only while its term
     * and the rest of its hard state are already durable:
     *
     * <ul>
     *   <li>Append (entries, commit point, heartbeat): the primary counts its own copy of an entry only after its
     *       persist ({@link ReplicaState#durableSeq}), so no commit point it sends covers an entry not durable on it.
     *       If it crashes before its fsync, helpers may hold entries it lost; none was acknowledged, and the failover
     *       promotes the highest (term, seq), whose first entry commits them or whose catch-up truncates them.
     *   <li>Not while the hard state changes (a promotion, a new term, new peers): after a crash the replica could
     *       come back in an older term, or without the primary it named, having spoken in the newer one.
     *   <li>Accepted and Behind (a helper's answers): they report what it holds, and an ack counts towards a commit,
     *       so the log they describe must be durable first.
     *   <li>Join and Rejected: they carry a position or a term the receiver acts on; rare, so they wait too.
     * </ul>
     */
    private static boolean maySendBeforePersist(Message m, Role role, DurableChanges durable) {
        return m instanceof Message.Append
                && role == Role.PRIMARY
                && durable.hardState() == null
                && durable.snapshot() == null;
    }

    public boolean isEmpty() {
        return sendAtOnce.isEmpty() && messages.isEmpty() && applied.isEmpty() && durable.isEmpty();
    }
}
