package dev.replicagroup.replica.simulation;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.failover.LeaseHoldoff;
import dev.replicagroup.replica.failover.MemberStatus;
import dev.replicagroup.replica.failover.PromotionChoice;
import dev.replicagroup.replica.failover.PromotionRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator's failover over the simulated replicas, with the rules the real one uses: start when a quorum of
 * helpers report the primary lost; fence every replica it reaches in a new term; promote the helper
 * {@link PromotionRule} chooses, after the hold-off {@link LeaseHoldoff} computes; tell the others to follow.
 * Admin calls reach a replica only if it runs and no partition separates it from the operator.
 */
final class SimulatedOperator {
    static final String ADDRESS = "operator";

    private final List<SimulatedReplica> replicas;
    private final int syncAcks;
    private final Consumer<String> story;
    private String primary;
    private long term = 1;
    /** A failover that found no helper it may promote keeps its term and tries again, as the operator does. */
    private boolean blocked;

    private String blockedWhy = "";
    private boolean suspected;
    /** The last committed position the primary being replaced reported during this failover. */
    private Optional<LogPosition> oldCommitted = Optional.empty();

    private boolean down;
    private long downUntil;

    SimulatedOperator(List<SimulatedReplica> replicas, int syncAcks, String primary, Consumer<String> story) {
        this.replicas = replicas;
        this.syncAcks = syncAcks;
        this.primary = primary;
        this.story = story;
    }

    String primary() {
        return primary;
    }

    /**
     * The kubelet's view says the primary is gone (its pod is being deleted, or NotReady for the delay) while its
     * process may still run: the operator starts a failover without waiting for the helpers' detection.
     */
    void suspect(String address) {
        suspected = suspected || address.equals(primary);
    }

    /** The operator is away until {@code until} (a later outage extends an earlier one). */
    void away(long now, long until) {
        down = true;
        downUntil = Math.max(downUntil, until);
    }

    void back() {
        down = false;
        downUntil = 0;
    }

    void observe(long now, SimulatedNetwork network) {
        if (down && now < downUntil) {
            return;
        }
        down = false;
        List<SimulatedReplica> reachable = replicas.stream()
                .filter(r -> r.running(now) && !network.separated(ADDRESS, r.address))
                .toList();
        int helpers = replicas.size() - 1;
        int quorum = Math.max(1, Math.min(helpers, helpers - syncAcks + 1));
        long lost = reachable.stream()
                .map(r -> r.machine)
                .filter(m -> m.state().role() == Role.HELPER
                        && m.primaryLost()
                        && m.lastPrimary().equals(primary))
                .count();
        // A primary that restarted with its data comes back fenced and never promotes itself: fail over.
        boolean primaryRestarted = reachable.stream()
                .anyMatch(r -> r.address.equals(primary) && r.machine.state().role() != Role.PRIMARY);
        if (blocked || suspected || primaryRestarted || lost >= quorum) {
            failover(now, reachable, helpers, quorum);
            return;
        }
        followServingPrimary(now, reachable);
    }

    /**
     * As the operator's NextAction.Follow: a replica it reaches that follows nobody while the primary serves
     * (fenced, or a helper that learnt a newer term from a message naming no primary) missed the failover's
     * Follow (it was cut off or paused then) or came back on its disk; tell it to follow.
     */
    private void followServingPrimary(long now, List<SimulatedReplica> reachable) {
        Optional<ReplicaMachine> serving = reachable.stream()
                .filter(r -> r.address.equals(primary))
                .map(r -> r.machine)
                .filter(m -> m.state().role() == Role.PRIMARY)
                .findFirst();
        if (serving.isEmpty()) {
            return;
        }
        long primaryTerm = serving.get().state().term();
        for (SimulatedReplica r : reachable) {
            Role role = r.machine.state().role();
            boolean followsNobody = role == Role.FENCED
                    || (role == Role.HELPER && r.machine.state().primary().isEmpty());
            if (followsNobody && r.machine.follow(primary, primaryTerm).accepted()) {
                story.accept(now + " ms: told " + r.address + " (" + role + " following nobody) to follow " + primary
                        + " in term " + primaryTerm);
            }
        }
    }

    private void failover(long now, List<SimulatedReplica> reachable, int helpers, int quorum) {
        long seen = reachable.stream()
                .mapToLong(r -> r.machine.state().term())
                .max()
                .orElse(0);
        long newTerm = blocked && seen <= term ? term : Math.max(term, seen) + 1;
        boolean oldFenced = false;
        long oldHoldoffTicks = 0;
        for (SimulatedReplica r : reachable) {
            boolean ok = r.machine.fence(newTerm).accepted();
            if (ok && r.address.equals(primary)) {
                oldFenced = true;
                oldHoldoffTicks = r.machine.holdoffRemainingTicks();
            }
        }
        List<MemberStatus> heard = new ArrayList<>();
        List<Long> ages = new ArrayList<>();
        int tick = SimulatedReplica.TICK_MILLIS;
        for (SimulatedReplica r : reachable) {
            ReplicaMachine m = r.machine;
            // Once blocked (no helper may be promoted), the old primary, fenced and answering again, may be chosen:
            // it holds every write it acknowledged.
            if ((blocked || !r.address.equals(primary)) && m.state().term() == newTerm) {
                heard.add(new MemberStatus(
                        r.address,
                        r.address,
                        m.state().caughtUp(),
                        m.state().role(),
                        newTerm,
                        m.state().last(),
                        0,
                        0));
                ages.add(m.primaryContactAgeTicks() < 0 ? -1 : m.primaryContactAgeTicks() * tick);
            }
        }
        term = newTerm;
        // What the old primary committed binds the choice until it is known gone with its state (it crashed):
        // while it is merely unreachable it may come back holding writes no helper has.
        reachable.stream()
                .filter(r -> r.address.equals(primary))
                .findFirst()
                .ifPresent(r -> oldCommitted = Optional.of(r.machine.state().committed()));
        if (replicas.stream().anyMatch(r -> r.address.equals(primary) && r.crashed)) {
            oldCommitted = Optional.empty();
        }
        PromotionChoice choice = PromotionRule.choose(heard, helpers, syncAcks, oldCommitted);
        if (choice instanceof PromotionChoice.Blocked why) {
            if (!why.reason().equals(blockedWhy)) {
                story.accept(now + " ms: failover in term " + newTerm + " blocked: " + why.reason());
            }
            blocked = true;
            blockedWhy = why.reason();
            return;
        }
        blocked = false;
        blockedWhy = "";
        oldCommitted = Optional.empty();
        suspected = false;
        String chosen = ((PromotionChoice.Promote) choice).candidate().address();
        var settings = reachable.get(0).machine.settings();
        long holdoffMillis = LeaseHoldoff.millis(
                oldFenced,
                oldHoldoffTicks * tick,
                ages,
                helpers,
                syncAcks,
                (long) settings.leaseTicks() * tick,
                (long) settings.clockDriftTicks() * tick);
        SimulatedReplica candidate = reachable.stream()
                .filter(r -> r.address.equals(chosen))
                .findFirst()
                .orElseThrow();
        if (!candidate
                .machine
                .promote(newTerm, (holdoffMillis + tick - 1) / tick)
                .accepted()) {
            story.accept(now + " ms: promoting " + chosen + " in term " + newTerm + " refused");
            return;
        }
        story.accept(now + " ms: " + primary + " lost (quorum " + quorum + "); promoted " + chosen + " in term "
                + newTerm + " (hold-off " + holdoffMillis + " ms, old primary fenced: " + oldFenced + ")");
        primary = chosen;
        for (SimulatedReplica r : reachable) {
            if (!r.address.equals(chosen)) {
                r.machine.follow(chosen, newTerm);
            }
        }
    }
}
