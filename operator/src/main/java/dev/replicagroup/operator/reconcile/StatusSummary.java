package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.Member;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.status.NodeStatus;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Fills the observed part of status (members, counts, phase, conditions) from an Observation. Pure. */
public final class StatusSummary {
    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    /** True once a group lost every member with its data and started again empty; it stays, as the record. */
    public static final String DATA_LOST = "DataLost";

    private StatusSummary() {}

    /**
     * @param waiting why the operator could not act this pass (a blocked failover, a primary that is down), if so
     * @return the helpers that became Ready since the last status (for HelperJoined events)
     */
    public static List<String> apply(ReplicaGroup group, Observation obs, Optional<String> waiting, String selector) {
        ReplicaGroupStatus status = group.getStatus();
        Map<String, Member> before = status.getMembers().stream()
                .collect(Collectors.toMap(Member::getName, Function.identity(), (a, b) -> a));
        Optional<NodeStatus> primary =
                Optional.ofNullable(status.getCurrentPrimary()).flatMap(obs::replica);
        List<Member> members = obs.pods().stream()
                .map(p -> member(p, obs, primary, before.get(p.name())))
                .toList();
        List<String> joined = members.stream()
                .filter(m -> m.isReady() && !m.getName().equals(status.getCurrentPrimary()))
                .filter(m -> before.get(m.getName()) == null
                        || !before.get(m.getName()).isReady())
                .map(Member::getName)
                .toList();
        status.setMembers(members);
        status.setReplicas(obs.live().size());
        status.setReadyReplicas((int) obs.live().stream().filter(PodView::ready).count());
        int wanted = group.getSpec().getReplicas();
        status.setReady(status.getReadyReplicas() + "/" + wanted);
        status.setSelector(selector);
        status.setObservedGeneration(group.getMetadata().getGeneration());
        primary.ifPresent(p -> status.setTerm(Math.max(status.getTerm(), p.term())));

        boolean primaryReady = Optional.ofNullable(status.getCurrentPrimary())
                .flatMap(obs::pod)
                .filter(PodView::ready)
                .isPresent();
        if (primaryReady && status.getPrimarySince() == null && status.getFailover() == null) {
            status.setPrimarySince(obs.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        boolean complete = status.getReplicas() == wanted && status.getReadyReplicas() == wanted;
        status.setPhase(
                status.getFailover() != null
                        ? Phase.FailingOver
                        : primaryReady
                                ? (complete ? Phase.Running : Phase.Degraded)
                                : status.getPrimarySince() == null
                                        ? (isTrue(status, DATA_LOST) ? Phase.Reinitialized : Phase.Pending)
                                        : Phase.Degraded);

        String now = obs.now().truncatedTo(ChronoUnit.SECONDS).toString();
        long generation =
                Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L);
        Conditions.set(
                status,
                AVAILABLE,
                primaryReady,
                primaryReady ? "PrimaryServing" : "NoPrimary",
                primaryReady
                        ? "primary " + status.getCurrentPrimary() + " serves in term " + status.getTerm()
                        : "no Ready primary" + waiting.map(w -> ": " + w).orElse(""),
                generation,
                now);
        boolean failingOver = status.getFailover() != null;
        Conditions.set(
                status,
                PROGRESSING,
                failingOver || !complete,
                failingOver
                        ? (status.getFailover().isSwitchover() ? "Switchover" : "Failover")
                        : complete ? "Stable" : "Reconciling",
                failingOver
                        ? status.getFailover().getStep() + ": "
                                + status.getFailover().getReason()
                        : status.getReadyReplicas() + " of " + wanted + " replicas Ready",
                generation,
                now);
        Optional<String> blocked =
                failingOver ? Optional.ofNullable(status.getFailover().getBlocked()) : Optional.empty();
        boolean degraded = blocked.isPresent() || waiting.isPresent() || status.getReadyReplicas() < wanted;
        Conditions.set(
                status,
                DEGRADED,
                degraded,
                blocked.isPresent()
                        ? "FailoverBlocked"
                        : waiting.isPresent() ? "Waiting" : degraded ? "ReplicasNotReady" : "AllReplicasReady",
                blocked.or(() -> waiting).orElse(status.getReadyReplicas() + " of " + wanted + " replicas Ready"),
                generation,
                now);
        return joined;
    }

    /**
     * A member as status shows it: what a user would see change (role, readiness, liveness), not its progress.
     * Sequence numbers and lag move with every write, so they are metrics ({@code replicagroup_member_seq},
     * {@code replicagroup_member_lag}); in status they would rewrite the group on every pass.
     */
    static Member member(PodView pod, Observation obs, Optional<NodeStatus> primary, Member before) {
        Optional<NodeStatus> self = obs.replica(pod.name());
        String address = pod.address().orElse("");
        // The primary's liveness table outlives the primary here: failover needs it once the primary is gone.
        Integer liveness = primary.flatMap(p -> p.liveness().stream()
                        .filter(e -> e.getKey().equals(address))
                        .map(Map.Entry::getValue)
                        .findFirst())
                .orElse(before == null ? null : before.getLiveness());
        return new Member(
                pod.name(),
                self.map(s -> s.role().name().toLowerCase(Locale.ROOT)).orElse("unknown"),
                pod.ready(),
                liveness);
    }

    static boolean isTrue(ReplicaGroupStatus status, String type) {
        return status.getConditions().stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
