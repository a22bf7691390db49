package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.crd.LogPositionStatus;
import dev.replicagroup.operator.crd.Member;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.failover.LeaseHoldoff;
import dev.replicagroup.replica.failover.MemberStatus;
import dev.replicagroup.replica.failover.PromotionChoice;
import dev.replicagroup.replica.failover.PromotionRule;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The failover state machine: from the step recorded in status and a fresh observation, the next action.
 * The whole graph is here, one case per step: Detect → Fence → Select (→ Block while no quorum answers) →
 * Promote → Repoint → Verify → Done, with Reselect back to Fence when the candidate or new primary is lost, and a
 * switchover taking the same path towards a named pod. Pure, so every step (and every restart in the middle of
 * one) is tested without Kubernetes or replicas.
 *
 * <p>A replica the observation has no status for (its pod is gone, has no IP, or its Watch stream is silent) is
 * known not to answer: it is left out of every call rather than waited for.
 *
 * <p>Over 300 lines on purpose: the graph above is the failover's safety argument, and read in one class, one
 * case per step, each transition can be checked against the next; the choice itself is core's PromotionRule and
 * the hold-off core's LeaseHoldoff.
 */
public final class FailoverPlanner {

    /**
     * @param term      the term in status (the highest the operator has handed out)
     * @param helpers   how many helpers the group has, for the quorum
     * @param syncAcks  the helpers each write waited for
     * @param liveness  each pod's liveness in the old primary's table, as last recorded in status
     * @param leaseMillis      the group's lease (spec.failover)
     * @param clockDriftMillis the group's clock-drift allowance (spec.failover)
     */
    public record Context(
            long term,
            int helpers,
            int syncAcks,
            Map<String, Integer> liveness,
            long leaseMillis,
            long clockDriftMillis) {

        /** The group's context, from its spec and status. */
        public static Context of(ReplicaGroup group) {
            ReplicaGroupStatus status = group.getStatus();
            Map<String, Integer> liveness = status.getMembers().stream()
                    .filter(m -> m.getLiveness() != null)
                    .collect(Collectors.toMap(Member::getName, Member::getLiveness, (a, b) -> a));
            // Counting every wanted helper (not only those alive now) keeps the quorum on the safe side.
            int helpers = Math.max(
                    group.getSpec().getReplicas() - 1, status.getMembers().size() - 1);
            FailoverSpec spec = group.getSpec().getFailover();
            return new Context(
                    status.getTerm(),
                    helpers,
                    group.getSpec().getSyncAcks(),
                    liveness,
                    spec.getLeaseMillis(),
                    spec.getClockDriftMillis());
        }
    }

    private FailoverPlanner() {}

    public static FailoverAction next(Failover failover, Observation obs, Context ctx) {
        return switch (failover.getStep()) {
            case Detect -> new FailoverAction.Announce(newTerm(failover, obs, ctx));
            case Fence -> handOff(failover, obs).orElseGet(() -> fence(failover, obs, true));
            case Select -> failover.isRestart() ? GroupRestart.select(failover, obs, ctx) : select(failover, obs, ctx);
            case Promote -> promote(failover, obs, ctx);
            case Repoint -> repoint(failover, obs);
            case Verify -> verify(failover, obs, ctx);
            case Done -> new FailoverAction.Wait("finished");
        };
    }

    /** A term above every term handed out (status) or seen (any replica, the failover's own). */
    static long newTerm(Failover failover, Observation obs, Context ctx) {
        long seen = obs.replicas().values().stream()
                .mapToLong(NodeStatus::term)
                .max()
                .orElse(0);
        long own = failover.getTerm() == null ? 0 : failover.getTerm();
        return Math.max(ctx.term(), Math.max(seen, own)) + 1;
    }

    /**
     * A switchover hands over before it fences, once: the old primary, while it still serves, pauses writes until
     * the named helper holds everything it took (as Redis's FAILOVER does). Skipped when the old primary no longer
     * answers as primary or the target is not one of its helpers: the fence and the promotion rule then decide.
     */
    static Optional<FailoverAction> handOff(Failover failover, Observation obs) {
        if (!failover.isSwitchover() || failover.getTo() == null || failover.isHandedOff()) {
            return Optional.empty();
        }
        Optional<String> oldAddress = obs.pod(failover.getFrom()).flatMap(PodView::address);
        Optional<NodeStatus> old =
                obs.replica(failover.getFrom()).filter(s -> s.role() == Role.PRIMARY && s.term() < failover.getTerm());
        Optional<String> targetAddress = obs.pod(failover.getTo())
                .filter(p -> !p.terminating() && !p.failed())
                .flatMap(PodView::address)
                .filter(a -> obs.replica(failover.getTo())
                        .filter(s -> s.role() == Role.HELPER && s.primary().equals(oldAddress.orElse("")))
                        .isPresent());
        if (oldAddress.isEmpty() || old.isEmpty() || targetAddress.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverAction.HandOff(
                failover.getFrom(), oldAddress.get(), old.get().term(), failover.getTo(), targetAddress.get()));
    }

    /**
     * Every replica that answers and is not yet fenced in the failover's term. In the Fence step ({@code
     * fenceStep}) the old primary is fenced again even if it reports the term already (its answer is what proves
     * it fenced, for the hold-off), and a live helper with no status (its Watch stream silent: starved, or just
     * opened by a new leader) is fenced too: its answer is its status, so the failover need not wait for the
     * stream, and a dead one costs one short deadline, in parallel with the rest. A silent old primary is left
     * out: the helpers report it lost, and a frozen one would only make the step wait. In Select only replicas
     * that answer from a lower term are fenced, so a dead helper is not called again on every step. The calls
     * go out together, so the order is free: fencing a helper before the old primary only makes the old
     * primary's writes fail sooner.
     */
    static FailoverAction.Fence fence(Failover failover, Observation obs, boolean fenceStep) {
        long term = failover.getTerm();
        List<FailoverAction.Replica> targets = new ArrayList<>();
        // Pods being deleted too: their replica may still run until its grace period ends.
        obs.pods().stream()
                .filter(p -> !p.failed() && p.address().isPresent())
                .filter(p -> {
                    boolean old = p.name().equals(failover.getFrom());
                    Optional<NodeStatus> seen = obs.replica(p.name());
                    return seen.isPresent()
                            ? seen.get().term() < term || (fenceStep && old)
                            : fenceStep && !old && !p.terminating();
                })
                .forEach(p -> targets.add(
                        new FailoverAction.Replica(p.name(), p.address().get())));
        return new FailoverAction.Fence(failover.getFrom(), targets, term);
    }

    static FailoverAction select(Failover failover, Observation obs, Context ctx) {
        FailoverAction.Fence unfenced = fence(failover, obs, false);
        if (!unfenced.replicas().isEmpty()) {
            return unfenced;
        }
        // Only positions read after the fence count: before it, a helper's log could still grow.
        List<MemberStatus> heard = obs.live().stream()
                .filter(p -> !p.name().equals(failover.getFrom()))
                .filter(p -> p.address().isPresent())
                .filter(p -> obs.replica(p.name())
                        .filter(s -> s.term() == failover.getTerm())
                        .isPresent())
                .map(p -> member(p, obs.replica(p.name()).orElseThrow(), ctx.liveness()))
                .toList();
        Optional<String> named = switchoverTarget(failover, obs, heard);
        if (named.isPresent()) {
            return new FailoverAction.Choose(named.get());
        }
        PromotionChoice choice =
                PromotionRule.choose(heard, ctx.helpers(), ctx.syncAcks(), oldCommitted(failover, obs));
        if (choice instanceof PromotionChoice.Blocked blocked) {
            return oldPrimaryAsLastResort(failover, obs, heard)
                    .<FailoverAction>map(FailoverAction.Choose::new)
                    .orElseGet(() -> new FailoverAction.Block(blocked.reason()));
        }
        MemberStatus best = ((PromotionChoice.Promote) choice).candidate();
        // A switchover goes to the pod the user named when it holds everything the rule's choice holds.
        String candidate = failover.isSwitchover()
                ? heard.stream()
                        .filter(m -> m.name().equals(failover.getTo())
                                && m.ready()
                                && m.role() == Role.HELPER
                                && m.last().equals(best.last()))
                        .map(MemberStatus::name)
                        .findFirst()
                        .orElse(best.name())
                : best.name();
        return new FailoverAction.Choose(candidate);
    }

    /**
     * What the old primary committed, as it reports now or reported during this failover. It binds the choice
     * while its pod exists: frozen or cut off, it may come back with acknowledged writes that no helper holds
     * (one that acked them restarted empty). Once the pod is gone or Failed its in-memory state went with it.
     */
    static Optional<LogPosition> oldCommitted(Failover failover, Observation obs) {
        if (obs.pod(failover.getFrom()).filter(p -> !p.failed()).isEmpty()) {
            return Optional.empty();
        }
        return obs.replica(failover.getFrom())
                .map(NodeStatus::committed)
                .or(() -> Optional.ofNullable(failover.getOldPrimaryCommitted()).map(LogPositionStatus::position));
    }

    /**
     * A switchover goes to the named helper when the old primary answered, fenced, and the helper holds the old
     * primary's log up to its commit point: every acknowledged write is at or below that point, and a helper whose
     * last entry is of the old primary's term holds its log up to there. Other helpers may have received a few
     * more (unacknowledged) entries; they drop them as they follow.
     */
    static Optional<String> switchoverTarget(Failover failover, Observation obs, List<MemberStatus> heard) {
        if (!failover.isSwitchover() || failover.getTo() == null) {
            return Optional.empty();
        }
        Optional<NodeStatus> old =
                obs.replica(failover.getFrom()).filter(s -> s.term() == failover.getTerm() && s.role() != Role.PRIMARY);
        return heard.stream()
                .filter(m -> m.name().equals(failover.getTo()) && m.ready() && m.role() == Role.HELPER)
                .filter(m -> old.filter(o ->
                                m.last().term() == o.last().term() && m.last().seq() >= o.commitSeq())
                        .isPresent())
                .map(MemberStatus::name)
                .findFirst();
    }

    /**
     * When no helper may be promoted (too few answer, or none holds everything, e.g. helpers that never caught
     * up), the old primary itself, if it answers fenced in the failover's term with its state and is at least as
     * far as every helper heard: it holds every write it acknowledged, and every write of earlier terms, so it
     * needs no quorum. Without this a group whose helpers never caught up stays blocked after its primary returns.
     */
    static Optional<String> oldPrimaryAsLastResort(Failover failover, Observation obs, List<MemberStatus> heard) {
        Optional<PodView> pod = obs.pod(failover.getFrom()).filter(p -> !p.terminating() && !p.failed());
        Optional<NodeStatus> old = pod.flatMap(p -> obs.replica(p.name()))
                .filter(s -> s.term() == failover.getTerm() && s.role() != Role.PRIMARY && s.caughtUp());
        return old.filter(s -> heard.stream().allMatch(m -> m.last().compareTo(s.last()) <= 0))
                .map(s -> failover.getFrom());
    }

    static MemberStatus member(PodView pod, NodeStatus status, Map<String, Integer> liveness) {
        return new MemberStatus(
                pod.name(),
                pod.address().orElseThrow(),
                pod.ready(),
                status.role(),
                status.term(),
                status.last(),
                liveness.getOrDefault(pod.name(), 0),
                status.startedAtMillis());
    }

    static FailoverAction promote(Failover failover, Observation obs, Context ctx) {
        Optional<PodView> candidate = obs.pod(failover.getTo()).filter(p -> !p.terminating() && !p.failed());
        if (candidate.isEmpty() || candidate.get().address().isEmpty()) {
            return new FailoverAction.Reselect(
                    "candidate " + failover.getTo() + " is gone", newTerm(failover, obs, ctx));
        }
        if (servesIn(obs, failover.getTo(), failover.getTerm())) {
            return new FailoverAction.AlreadyPromoted();
        }
        String address = candidate.get().address().get();
        return new FailoverAction.Promote(
                failover.getTo(),
                address,
                failover.getTerm(),
                holdoff(failover, obs, ctx),
                followers(failover, obs, address));
    }

    /**
     * How long the new primary waits before it serves (LeaseHoldoff). The contact ages are those of helpers that
     * report the failover's term, so they were read after the fence: a fenced helper acks the old primary no more.
     * A helper that followed some other primary tells nothing about the old one's lease and counts as age 0, as
     * does a status without timing, and every helper when the old primary's address was never known. Lease and
     * drift are the larger of the spec and what any replica reports, in case the pods still run with settings
     * from before a spec change.
     */
    static long holdoff(Failover failover, Observation obs, Context ctx) {
        Optional<String> oldPrimary = Optional.ofNullable(failover.getFromAddress());
        List<Long> ages = obs.pods().stream()
                .filter(p -> !p.name().equals(failover.getFrom()))
                .flatMap(p -> obs.replica(p.name()).stream())
                .filter(s -> s.role() == Role.HELPER && s.term() == failover.getTerm())
                .map(s -> oldPrimary
                                .filter(a -> a.equals(s.timing().lastPrimary()))
                                .isPresent()
                        ? s.timing().primaryContactAgeMillis()
                        : 0L)
                .toList();
        long lease = Math.max(
                ctx.leaseMillis(),
                obs.replicas().values().stream()
                        .mapToLong(s -> s.timing().leaseMillis())
                        .max()
                        .orElse(0));
        long drift = Math.max(
                ctx.clockDriftMillis(),
                obs.replicas().values().stream()
                        .mapToLong(s -> s.timing().clockDriftMillis())
                        .max()
                        .orElse(0));
        long oldHoldoff =
                Optional.ofNullable(failover.getOldPrimaryHoldoffMillis()).orElse(0L);
        return LeaseHoldoff.millis(
                failover.isOldPrimaryFenced(), oldHoldoff, ages, ctx.helpers(), ctx.syncAcks(), lease, drift);
    }

    static FailoverAction repoint(Failover failover, Observation obs) {
        Optional<String> address = obs.pod(failover.getTo()).flatMap(PodView::address);
        if (address.isEmpty()) {
            // Repoint only moves labels: the next pass's Verify finds the new primary gone and chooses again.
            return new FailoverAction.Wait("new primary " + failover.getTo() + " has no address");
        }
        List<String> demote = obs.pods().stream()
                .filter(p -> p.isPrimaryLabelled() && !p.name().equals(failover.getTo()))
                .map(PodView::name)
                .toList();
        return new FailoverAction.Repoint(
                failover.getTo(), address.get(), failover.getTerm(), demote, followers(failover, obs, address.get()));
    }

    /** The live replicas other than the new primary and the old one (which Verify deals with). */
    static List<FailoverAction.Replica> followers(Failover failover, Observation obs, String primaryAddress) {
        return obs.live().stream()
                .filter(p -> !p.name().equals(failover.getTo()) && !p.name().equals(failover.getFrom()))
                .filter(p -> p.address().isPresent())
                .filter(p -> obs.replica(p.name())
                        .map(s -> !(s.role() == Role.HELPER
                                && s.term() == failover.getTerm()
                                && s.primary().equals(primaryAddress)))
                        .orElse(true))
                .map(p -> new FailoverAction.Replica(p.name(), p.address().get()))
                .toList();
    }

    static FailoverAction verify(Failover failover, Observation obs, Context ctx) {
        Optional<String> address =
                obs.pod(failover.getTo()).filter(p -> !p.terminating()).flatMap(PodView::address);
        if (address.isEmpty()) {
            return new FailoverAction.Reselect(
                    "new primary " + failover.getTo() + " is gone", newTerm(failover, obs, ctx));
        }
        if (!servesIn(obs, failover.getTo(), failover.getTerm())) {
            return new FailoverAction.Wait(
                    "new primary " + failover.getTo() + " does not yet serve in term " + failover.getTerm());
        }
        List<FailoverAction.Replica> followers = new ArrayList<>(followers(failover, obs, address.get()));
        // The old primary, unless it was chosen again (oldPrimaryAsLastResort).
        Optional<PodView> old = obs.pod(failover.getFrom())
                .filter(p -> !p.terminating())
                .filter(p -> !p.name().equals(failover.getTo()));
        if (failover.isSwitchover()) {
            old.flatMap(p -> p.address().map(a -> new FailoverAction.Replica(p.name(), a)))
                    .ifPresent(followers::add);
            return new FailoverAction.Finish(failover.getTo(), address.get(), List.of(), followers);
        }
        return new FailoverAction.Finish(
                failover.getTo(), address.get(), old.map(PodView::name).stream().toList(), followers);
    }

    static boolean servesIn(Observation obs, String pod, long term) {
        return obs.replica(pod)
                .filter(s -> s.role() == Role.PRIMARY && s.term() == term)
                .isPresent();
    }
}
