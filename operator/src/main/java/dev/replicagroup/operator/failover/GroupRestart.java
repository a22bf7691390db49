package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.failover.MemberStatus;
import dev.replicagroup.replica.failover.PromotionChoice;
import dev.replicagroup.replica.failover.PromotionRule;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Select step of a whole-group restart ({@link Failover#isRestart()}): every member came back fenced on its
 * volume ({@code --no-bootstrap}) and none serves. There is no old primary to leave out or to bind the choice, so
 * every member is a candidate, the last primary too: it holds what it acknowledged like the helpers that acked it.
 *
 * <p>Every acknowledged write is on the primary and {@code syncAcks} helpers, {@code syncAcks + 1} of the N members;
 * so hearing from {@code N - syncAcks} members that kept their data (which is {@code PromotionRule.quorum(N - 1,
 * syncAcks)}) guarantees one of them holds it, and the one with the highest (term, seq) holds them all. A member
 * that came back empty (its claim was deleted) lost what it acked: it does not count, and never becomes primary
 * while a member that may hold data (it has a pod or a claim) has not answered. Once every member answered there is
 * nobody left to wait for, and the most advanced is promoted even below that count (docs/storage.md).
 */
public final class GroupRestart {

    /** Promote {@code member}, or wait and say for whom. */
    public sealed interface Choice {
        record Promote(String member) implements Choice {}

        record Wait(String why) implements Choice {}
    }

    private GroupRestart() {}

    static FailoverAction select(Failover failover, Observation obs, FailoverPlanner.Context ctx) {
        FailoverAction.Fence unfenced = FailoverPlanner.fence(failover, obs, false);
        if (!unfenced.replicas().isEmpty()) {
            return unfenced;
        }
        Choice choice = choose(failover.getTerm(), obs, ctx.helpers() + 1, ctx.syncAcks(), ctx.liveness());
        return choice instanceof Choice.Promote p
                ? new FailoverAction.Choose(p.member())
                : new FailoverAction.Block(((Choice.Wait) choice).why());
    }

    /**
     * @param term     the restart's term: only positions read after the fence in it count (they hold still)
     * @param members  how many members the group has (the most of spec.replicas and those last seen)
     * @param liveness each member's liveness as last recorded (ties)
     */
    public static Choice choose(long term, Observation obs, int members, int syncAcks, Map<String, Integer> liveness) {
        List<MemberStatus> heard = obs.live().stream()
                .filter(p -> p.address().isPresent())
                .flatMap(p ->
                        obs.replica(p.name()).filter(s -> s.term() == term).map(s -> heard(p, s, liveness)).stream())
                .toList();
        List<MemberStatus> withData =
                heard.stream().filter(m -> !m.last().equals(LogPosition.ZERO)).toList();
        Set<String> answered = heard.stream().map(MemberStatus::name).collect(Collectors.toSet());
        Set<String> expected = Stream.concat(obs.live().stream().map(PodView::name), obs.keptMembers().stream())
                .filter(name -> !answered.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        int n = Math.max(members, answered.size() + expected.size());
        int needed = PromotionRule.quorum(n - 1, syncAcks);
        if (withData.size() >= needed) {
            return best(withData);
        }
        if (expected.isEmpty() && !heard.isEmpty()) {
            // Everyone answered: waiting gains nothing. Among members all empty, any one loses nothing.
            return best(withData.isEmpty() ? heard : withData);
        }
        String empty = heard.stream()
                .filter(m -> m.last().equals(LogPosition.ZERO))
                .map(MemberStatus::name)
                .sorted()
                .collect(Collectors.joining(", "));
        return new Choice.Wait("whole-group restart: " + withData.size() + " of " + n
                + " members answered with their data" + describe(withData) + "; " + needed + " must (members - syncAcks"
                + " = " + n + " - " + syncAcks + ") so that one holds every acknowledged write; waiting for "
                + String.join(", ", expected)
                + (empty.isEmpty() ? "" : "; " + empty + " came back empty (volume lost) and will catch up"));
    }

    /** The rule's own choice among members that all answered: its quorum is then all of them. */
    private static Choice best(List<MemberStatus> candidates) {
        PromotionChoice choice = PromotionRule.choose(candidates, candidates.size(), 0, Optional.empty());
        return choice instanceof PromotionChoice.Promote p
                ? new Choice.Promote(p.candidate().name())
                : new Choice.Wait(((PromotionChoice.Blocked) choice).reason());
    }

    private static String describe(List<MemberStatus> members) {
        return members.isEmpty()
                ? ""
                : members.stream()
                        .map(m -> m.name() + " " + m.last())
                        .sorted()
                        .collect(Collectors.joining(", ", " (", ")"));
    }

    /** Ready: a fenced member is NotReady by design; that it answered in the restart's term is what counts. */
    private static MemberStatus heard(PodView pod, NodeStatus status, Map<String, Integer> liveness) {
        return new MemberStatus(
                pod.name(),
                pod.address().orElseThrow(),
                true,
                status.role(),
                status.term(),
                status.last(),
                liveness.getOrDefault(pod.name(), 0),
                status.startedAtMillis());
    }
}
