package dev.replicagroup.replica.failover;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whom to promote when the primary is gone. The candidate is a Ready helper with the highest (term, seq);
 * ties go to the highest liveness, then the oldest. Every acknowledged write is on at least {@code syncAcks}
 * helpers, so hearing from {@code helpers - syncAcks + 1} of them guarantees one holds it; with fewer
 * answers the failover waits rather than lose a write. That count assumes each helper still holds what it acked;
 * one that restarted without its data did not, so whatever the old primary reports as committed bounds the choice
 * too. The CLI's {@code failover} and the operator both decide with this class.
 */
public final class PromotionRule {
    static final Comparator<MemberStatus> BEST_FIRST = Comparator.comparing(MemberStatus::last)
            .reversed()
            .thenComparing(Comparator.comparingInt(MemberStatus::liveness).reversed())
            .thenComparingLong(MemberStatus::startedAtMillis)
            .thenComparing(MemberStatus::name);

    private PromotionRule() {}

    /**
     * How many helpers must answer before one may be promoted. In async mode (syncAcks 0) no number of answers
     * guarantees the primary's last writes (it acknowledged them alone, as documented); hearing from every
     * helper still promotes the most advanced one.
     */
    public static int quorum(int helpers, int syncAcks) {
        return Math.max(1, Math.min(helpers, helpers - syncAcks + 1));
    }

    /**
     * @param heard    the members that answered a status request after being fenced in the new term (the
     *                 primary being replaced excluded; any other, even an earlier primary, counts: it is not the
     *                 one whose acks are in question); positions read before fencing can still grow
     * @param helpers  how many helpers the group has (replicas minus the primary)
     * @param syncAcks the helper acks each write waited for
     * @param oldCommitted what the primary being replaced last reported as committed, if it reported at all
     */
    public static PromotionChoice choose(
            List<MemberStatus> heard, int helpers, int syncAcks, Optional<LogPosition> oldCommitted) {
        // Fenced in the new term, a helper or an earlier primary holds still; one that is primary cannot count.
        List<MemberStatus> answering =
                heard.stream().filter(m -> m.role() != Role.PRIMARY).toList();
        int needed = quorum(helpers, syncAcks);
        if (answering.size() < needed) {
            return new PromotionChoice.Blocked(String.format(
                    "heard from %d of %d helpers; %d must answer (helpers - syncAcks + 1 = %d - %d + 1) so that"
                            + " every acknowledged write is on one of them",
                    answering.size(), helpers, needed, helpers, syncAcks));
        }
        MemberStatus best = answering.stream().min(BEST_FIRST).orElseThrow();
        if (oldCommitted.filter(c -> best.last().compareTo(c) < 0).isPresent()) {
            return new PromotionChoice.Blocked("the old primary committed up to " + oldCommitted.get() + ", beyond"
                    + " every helper heard (the most advanced, " + best.name() + ", holds up to " + best.last()
                    + "; a helper that restarted lost what it acked): promoting one would lose acknowledged writes");
        }
        // A helper behind the most advanced one may miss acknowledged writes: only one level with it qualifies.
        return answering.stream()
                .filter(m -> m.ready() && m.last().equals(best.last()))
                .min(BEST_FIRST)
                .<PromotionChoice>map(PromotionChoice.Promote::new)
                .orElseGet(() -> new PromotionChoice.Blocked("helper " + best.name() + " holds the most recent"
                        + " writes, up to " + best.last() + ", but is not Ready; no other helper has them all"));
    }
}
