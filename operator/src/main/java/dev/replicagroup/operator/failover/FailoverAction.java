package dev.replicagroup.operator.failover;

import java.util.List;

/** What to do for the current failover step. Each action is safe to repeat after a restart. */
public sealed interface FailoverAction {

    /**
     * Detect: announce the failover and raise the term in status (optimistic concurrency) to {@code newTerm},
     * the term the replicas are fenced in and the new primary is promoted in.
     */
    record Announce(long newTerm) implements FailoverAction {
    }

    /**
     * Fence (and Select, for replicas that answer only later): raise the fence of these replicas to the new term,
     * the old primary first; take the primary label off the old primary's pod. A fenced old primary takes no
     * writes, and fenced helpers no longer ack it, so no write it takes from now on can be acknowledged.
     */
    record Fence(String oldPrimary, List<Replica> replicas, long term) implements FailoverAction {
    }

    /** Select: promote this helper (in the term already raised). */
    record Choose(String candidate) implements FailoverAction {
    }

    /** Select: no helper can be promoted without risking acknowledged writes; wait and say why. */
    record Block(String reason) implements FailoverAction {
    }

    /** Promote: send Promote(term) to the chosen helper. */
    record Promote(String candidate, String address, long term) implements FailoverAction {
    }

    /** Promote: the candidate already serves in the term (a repeat after a restart); go on. */
    record AlreadyPromoted() implements FailoverAction {
    }

    /** The candidate or new primary is gone: fence again in {@code newTerm} and choose again. */
    record Reselect(String why, long newTerm) implements FailoverAction {
    }

    /**
     * Repoint: take the primary label off {@code demote} (normally nobody, the Fence step did it), then put it
     * on the candidate, then tell the {@code followers} to follow the new primary.
     */
    record Repoint(String candidate, String candidateAddress, long term, List<String> demote,
            List<Replica> followers) implements FailoverAction {
    }

    /**
     * Verify: the new primary serves in the new term. A failed old primary's pod is deleted (and replaced by
     * a new helper); after a switchover the old primary, healthy, follows instead, as do helpers that missed
     * the Repoint step's Follow.
     */
    record Finish(String newPrimary, String newPrimaryAddress, List<String> delete, List<Replica> followers)
            implements FailoverAction {
    }

    /** Nothing to do until the replicas or pods change. */
    record Wait(String why) implements FailoverAction {
    }

    /** A replica to fence, or to point at the new primary. */
    record Replica(String pod, String address) {
    }
}
