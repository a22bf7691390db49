package dev.replicagroup.operator.failover;

import java.util.List;

/**
 * What to do for the current failover step. Each action is safe to repeat after a restart.
 * {@link #accept} is the exhaustive switch over the actions (Java 17 has no pattern switch over a sealed type):
 * a new action does not compile until {@link Visitor} and so the runner handle it.
 */
public sealed interface FailoverAction {

    <R> R accept(Visitor<R> visitor);

    /** One case per action. */
    interface Visitor<R> {
        R announce(Announce a);

        R handOff(HandOff h);

        R fence(Fence f);

        R choose(Choose c);

        R block(Block b);

        R promote(Promote p);

        R alreadyPromoted(AlreadyPromoted a);

        R reselect(Reselect r);

        R repoint(Repoint r);

        R finish(Finish f);

        R waitFor(Wait w);
    }

    /**
     * Detect: announce the failover and raise the term in status (optimistic concurrency) to {@code newTerm},
     * the term the replicas are fenced in and the new primary is promoted in.
     */
    record Announce(long newTerm) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.announce(this);
        }
    }

    /**
     * Fence, first for a switchover: the old primary ({@code oldPrimaryAddress}, primary of {@code oldTerm}) takes
     * no new writes while the named helper ({@code targetAddress}) receives what it took; then the fence. Fenced
     * helpers take nothing more from the old primary, so a helper still behind its commit point when the fence
     * lands could not be promoted without losing acknowledged writes.
     */
    record HandOff(String oldPrimary, String oldPrimaryAddress, long oldTerm, String target, String targetAddress)
            implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.handOff(this);
        }
    }

    /**
     * Fence (and Select, for replicas that answer only later): raise the fence of these replicas to the new term,
     * all at once; take the primary label off the old primary's pod. A fenced old primary takes no writes, and
     * fenced helpers no longer ack it, so no write it takes from now on can be acknowledged. Replicas known not
     * to answer are not in the list: they are skipped, not waited for.
     */
    record Fence(String oldPrimary, List<Replica> replicas, long term) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.fence(this);
        }
    }

    /** Select: promote this helper (in the term already raised). */
    record Choose(String candidate) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.choose(this);
        }
    }

    /** Select: no helper can be promoted without risking acknowledged writes; wait and say why. */
    record Block(String reason) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.block(this);
        }
    }

    /**
     * Promote: send Promote(term) to the chosen helper; it serves only {@code holdoffMillis} later, when no lease
     * the old primary may still hold can be running ({@link dev.replicagroup.replica.failover.LeaseHoldoff}).
     * Once it answers, tell the {@code followers} to follow it at once: it serves only after a helper acked the
     * first entry of its term, so the Follow is on the clients' path and does not wait for the Repoint step's
     * label writes.
     */
    record Promote(String candidate, String address, long term, long holdoffMillis, List<Replica> followers)
            implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.promote(this);
        }
    }

    /** Promote: the candidate already serves in the term (a repeat after a restart); go on. */
    record AlreadyPromoted() implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.alreadyPromoted(this);
        }
    }

    /** The candidate or new primary is gone: fence again in {@code newTerm} and choose again. */
    record Reselect(String why, long newTerm) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.reselect(this);
        }
    }

    /**
     * Repoint: take the primary label off {@code demote} (normally nobody, the Fence step did it), then put it
     * on the candidate, then tell the {@code followers} to follow the new primary (those the Promote step's
     * Follow missed, or all of them after an operator restart).
     */
    record Repoint(String candidate, String candidateAddress, long term, List<String> demote, List<Replica> followers)
            implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.repoint(this);
        }
    }

    /**
     * Verify: the new primary serves in the new term. A failed old primary's pod is deleted (and replaced by
     * a new helper); after a switchover the old primary, healthy, follows instead, as do helpers that missed
     * the Repoint step's Follow.
     */
    record Finish(String newPrimary, String newPrimaryAddress, List<String> delete, List<Replica> followers)
            implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.finish(this);
        }
    }

    /** Nothing to do until the replicas or pods change. */
    record Wait(String why) implements FailoverAction {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.waitFor(this);
        }
    }

    /** A replica to fence, or to point at the new primary. */
    record Replica(String pod, String address) {}
}
