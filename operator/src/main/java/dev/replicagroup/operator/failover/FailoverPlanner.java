package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.reconcile.Observation;
import dev.replicagroup.operator.reconcile.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.failover.MemberStatus;
import dev.replicagroup.replica.failover.PromotionChoice;
import dev.replicagroup.replica.failover.PromotionRule;
import dev.replicagroup.replica.replication.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The failover state machine: from the step recorded in status and a fresh observation, the next action.
 * Pure, so every step (and every restart in the middle of one) is tested without Kubernetes or replicas.
 */
public final class FailoverPlanner {

    /**
     * @param term      the term in status (the highest the operator has handed out)
     * @param helpers   how many helpers the group has, for the quorum
     * @param syncAcks  the helpers each write waited for
     * @param liveness  each pod's liveness in the old primary's table, as last recorded in status
     */
    public record Context(long term, int helpers, int syncAcks, Map<String, Integer> liveness) {
    }

    private FailoverPlanner() {
    }

    public static FailoverAction next(Failover failover, Observation obs, Context ctx) {
        return switch (failover.getStep()) {
            case Detect -> new FailoverAction.Announce();
            case Fence -> new FailoverAction.Fence(failover.getFrom(),
                    obs.pod(failover.getFrom()).flatMap(PodView::address).orElse(null), ctx.term());
            case Select -> select(failover, obs, ctx);
            case Promote -> promote(failover, obs);
            case Repoint -> repoint(failover, obs);
            case Verify -> verify(failover, obs);
            case Done -> new FailoverAction.Wait("finished");
        };
    }

    static FailoverAction select(Failover failover, Observation obs, Context ctx) {
        List<MemberStatus> heard = obs.live().stream()
                .filter(p -> !p.name().equals(failover.getFrom()))
                .filter(p -> p.address().isPresent() && obs.replica(p.name()).isPresent())
                .map(p -> member(p, obs.replica(p.name()).orElseThrow(), ctx.liveness()))
                .toList();
        PromotionChoice choice = PromotionRule.choose(heard, ctx.helpers(), ctx.syncAcks());
        if (choice instanceof PromotionChoice.Blocked blocked) {
            return new FailoverAction.Block(blocked.reason());
        }
        MemberStatus best = ((PromotionChoice.Promote) choice).candidate();
        // A switchover goes to the pod the user named when it holds everything the rule's choice holds.
        String candidate = failover.isSwitchover()
                ? heard.stream().filter(m -> m.name().equals(failover.getTo()) && m.ready()
                        && m.last().equals(best.last())).map(MemberStatus::name).findFirst().orElse(best.name())
                : best.name();
        long highestSeen = heard.stream().mapToLong(MemberStatus::term).max().orElse(0);
        long oldPrimaryTerm = obs.replica(failover.getFrom()).map(NodeStatus::term).orElse(0L);
        return new FailoverAction.Choose(candidate, Math.max(ctx.term(), Math.max(highestSeen, oldPrimaryTerm)) + 1);
    }

    static MemberStatus member(PodView pod, NodeStatus status, Map<String, Integer> liveness) {
        return new MemberStatus(pod.name(), pod.address().orElseThrow(), pod.ready(), status.role(), status.term(),
                status.last(), liveness.getOrDefault(pod.name(), 0), status.startedAtMillis());
    }

    static FailoverAction promote(Failover failover, Observation obs) {
        Optional<PodView> candidate = obs.pod(failover.getTo()).filter(p -> !p.terminating() && !p.failed());
        if (candidate.isEmpty() || candidate.get().address().isEmpty()) {
            return new FailoverAction.Reselect("candidate " + failover.getTo() + " is gone");
        }
        if (servesIn(obs, failover.getTo(), failover.getTerm())) {
            return new FailoverAction.AlreadyPromoted();
        }
        return new FailoverAction.Promote(failover.getTo(), candidate.get().address().get(), failover.getTerm());
    }

    static FailoverAction repoint(Failover failover, Observation obs) {
        Optional<String> address = obs.pod(failover.getTo()).flatMap(PodView::address);
        if (address.isEmpty()) {
            return new FailoverAction.Reselect("new primary " + failover.getTo() + " is gone");
        }
        List<String> demote = obs.pods().stream()
                .filter(p -> p.isPrimaryLabelled() && !p.name().equals(failover.getTo()))
                .map(PodView::name).toList();
        return new FailoverAction.Repoint(failover.getTo(), address.get(), failover.getTerm(), demote,
                followers(failover, obs));
    }

    /** The live replicas other than the new primary and the old one (which Verify deals with). */
    static List<FailoverAction.Follower> followers(Failover failover, Observation obs) {
        return obs.live().stream()
                .filter(p -> !p.name().equals(failover.getTo()) && !p.name().equals(failover.getFrom()))
                .filter(p -> p.address().isPresent())
                .filter(p -> obs.replica(p.name()).map(s -> s.term() < failover.getTerm()
                        || s.role() != Role.HELPER).orElse(true))
                .map(p -> new FailoverAction.Follower(p.name(), p.address().get()))
                .toList();
    }

    static FailoverAction verify(Failover failover, Observation obs) {
        Optional<String> address = obs.pod(failover.getTo()).filter(p -> !p.terminating()).flatMap(PodView::address);
        if (address.isEmpty()) {
            return new FailoverAction.Reselect("new primary " + failover.getTo() + " is gone");
        }
        if (!servesIn(obs, failover.getTo(), failover.getTerm())) {
            return new FailoverAction.Wait("new primary " + failover.getTo() + " does not yet serve in term "
                    + failover.getTerm());
        }
        List<FailoverAction.Follower> followers = new ArrayList<>(followers(failover, obs));
        Optional<PodView> old = obs.pod(failover.getFrom()).filter(p -> !p.terminating());
        if (failover.isSwitchover()) {
            old.flatMap(p -> p.address().map(a -> new FailoverAction.Follower(p.name(), a))).ifPresent(followers::add);
            return new FailoverAction.Finish(failover.getTo(), address.get(), List.of(), followers);
        }
        return new FailoverAction.Finish(failover.getTo(), address.get(), old.map(PodView::name).stream().toList(),
                followers);
    }

    static boolean servesIn(Observation obs, String pod, long term) {
        return obs.replica(pod).filter(s -> s.role() == Role.PRIMARY && s.term() == term).isPresent();
    }
}
