package dev.replicagroup.operator.failover;

import java.util.List;

/** What to do for the current failover step. Each action is safe to repeat after a restart. */
public sealed interface FailoverAction {

    /** Detect: announce the failover (event, metrics), then fence. */
    record Announce() implements FailoverAction {
    }

    /** Fence: tell the old primary (if it still answers) to stop taking writes; take its primary label off. */
    record Fence(String pod, String address, long term) implements FailoverAction {
    }

    /** Select: promote this helper in {@code newTerm}; the term is written to status before Promote. */
    record Choose(String candidate, long newTerm) implements FailoverAction {
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

    /** Promote: the candidate is gone; choose again (with a new, higher term). */
    record Reselect(String why) implements FailoverAction {
    }

    /**
     * Repoint: take the primary label off {@code demote} (normally nobody, the Fence step did it), then put it
     * on the candidate, then tell the {@code followers} to follow the new primary.
     */
    record Repoint(String candidate, String candidateAddress, long term, List<String> demote,
            List<Follower> followers) implements FailoverAction {
    }

    /**
     * Verify: the new primary serves in the new term. A failed old primary's pod is deleted (and replaced by
     * a new helper); after a switchover the old primary, healthy, follows instead, as do helpers that missed
     * the Repoint step's Follow.
     */
    record Finish(String newPrimary, String newPrimaryAddress, List<String> delete, List<Follower> followers)
            implements FailoverAction {
    }

    /** Nothing to do until the replicas or pods change. */
    record Wait(String why) implements FailoverAction {
    }

    /** A replica to point at the new primary. */
    record Follower(String pod, String address) {
    }
}
