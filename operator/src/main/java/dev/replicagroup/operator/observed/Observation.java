package dev.replicagroup.operator.observed;

import dev.replicagroup.replica.status.NodeStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One look at a group: its pods, its members' volume claims (spec.storage) and what each replica last said about
 * itself (pushed on its Watch stream, or answered to a call just made: {@link #withAnswers}); a replica that said
 * nothing is not in {@code replicas}. Decisions take an Observation and return what to do; only the reconciler
 * talks to Kubernetes and the replicas.
 */
public record Observation(List<PodView> pods, Map<String, NodeStatus> replicas, Instant now, List<ClaimView> claims) {

    public Observation {
        pods = pods.stream().sorted(Comparator.comparingInt(PodView::ordinal)).toList();
        replicas = Map.copyOf(replicas);
        claims = claims.stream()
                .sorted(Comparator.comparingInt(ClaimView::ordinal))
                .toList();
    }

    /**
     * How far behind a switchover's target may be when the switchover starts. The hand-over pauses the old
     * primary's writes until the target holds its last entry (the operator's FailoverRunner), so the target need not be at
     * exactly 0: under a steady load a lag of 0 is a rare instant (CI waited 7.5 s for one). A few hundred
     * entries stream in a few round trips, well inside the hand-over's wait.
     */
    public static final long SWITCHOVER_MAX_LAG = 256;

    /** Whether the primary reports the target connected and close enough behind to hand over to. */
    public boolean caughtUp(String primary, PodView target) {
        return target.address()
                .flatMap(address -> replica(primary).flatMap(p -> p.helper(address)))
                .filter(h -> h.connected() && h.lag() <= SWITCHOVER_MAX_LAG)
                .isPresent();
    }

    /** A group without storage: no claims. */
    public Observation(List<PodView> pods, Map<String, NodeStatus> replicas, Instant now) {
        this(pods, replicas, now, List.of());
    }

    /** The claims that are not being deleted: the members whose data is kept. */
    public List<ClaimView> kept() {
        return claims.stream().filter(c -> !c.terminating()).toList();
    }

    /** The members (pod names) whose claims are kept. */
    public List<String> keptMembers() {
        return kept().stream().map(ClaimView::member).toList();
    }

    public Optional<PodView> pod(String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<NodeStatus> replica(String name) {
        return Optional.ofNullable(replicas.get(name));
    }

    /** This observation with some replicas' statuses replaced by newer ones (answers to calls just made). */
    public Observation withAnswers(Map<String, NodeStatus> answers) {
        if (answers.isEmpty()) {
            return this;
        }
        Map<String, NodeStatus> merged = new HashMap<>(replicas);
        merged.putAll(answers);
        return new Observation(pods, merged, now, claims);
    }

    /** Pods that are neither being deleted nor finished: the group's members. */
    public List<PodView> live() {
        return pods.stream().filter(p -> !p.terminating() && !p.failed()).toList();
    }
}
