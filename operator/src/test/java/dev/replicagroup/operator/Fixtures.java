package dev.replicagroup.operator;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.operator.update.UpdateTarget;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders for the decisions' inputs. Pod demo-N has address 10.0.0.N:7000. */
public final class Fixtures {
    public static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    /** The revision of the pod template the fixtures' pods run. */
    public static final String REVISION = "rev1";
    /** A group whose pods all run {@link #REVISION}: no rolling update to do. */
    public static final UpdateTarget UP_TO_DATE = new UpdateTarget(REVISION, false, false);

    private Fixtures() {}

    public static String address(int ordinal) {
        return "10.0.0." + ordinal + ":7000";
    }

    public static PodView pod(int ordinal, String role, boolean ready) {
        return new PodView(
                "demo-" + ordinal,
                ordinal,
                role,
                ready,
                Optional.of(NOW.minusSeconds(60)),
                false,
                false,
                Optional.of(address(ordinal)),
                Optional.of(REVISION));
    }

    public static PodView notReadySince(int ordinal, String role, Instant since) {
        return new PodView(
                "demo-" + ordinal,
                ordinal,
                role,
                false,
                Optional.of(since),
                false,
                false,
                Optional.of(address(ordinal)),
                Optional.of(REVISION));
    }

    /** A primary's pod still starting: not Ready for five minutes, no IP yet. */
    public static PodView startingPrimary(int ordinal) {
        return new PodView(
                "demo-" + ordinal,
                ordinal,
                "primary",
                false,
                Optional.of(NOW.minusSeconds(300)),
                false,
                false,
                Optional.empty(),
                Optional.of(REVISION));
    }

    public static PodView terminating(int ordinal, String role) {
        return new PodView(
                "demo-" + ordinal,
                ordinal,
                role,
                false,
                Optional.empty(),
                true,
                false,
                Optional.of(address(ordinal)),
                Optional.of(REVISION));
    }

    /** The pod as one built from another revision of the template. */
    public static PodView onRevision(PodView pod, String revision) {
        return new PodView(
                pod.name(),
                pod.ordinal(),
                pod.role(),
                pod.ready(),
                pod.readySince(),
                pod.terminating(),
                pod.failed(),
                pod.address(),
                Optional.of(revision));
    }

    /**
     * One replica's status, applied up to its commit point, started {@code ordinal} seconds into the epoch; the
     * fixtures below fill in what they vary.
     */
    public static NodeStatus node(
            int ordinal,
            Role role,
            long term,
            LogPosition last,
            LogPosition committed,
            String primary,
            List<NodeStatus.HelperProgress> helpers,
            NodeStatus.Timing timing) {
        return new NodeStatus(
                address(ordinal),
                role,
                term,
                last,
                committed.seq(),
                committed.term(),
                committed.seq(),
                primary,
                helpers,
                List.of(),
                1,
                true,
                1_000L * ordinal,
                "",
                timing);
    }

    public static NodeStatus status(int ordinal, Role role, long term, long seq) {
        LogPosition at = new LogPosition(term, seq);
        return node(ordinal, role, term, at, at, "", List.of(), NodeStatus.Timing.unknown());
    }

    /** A helper of the primary at {@code primaryOrdinal} in {@code term}. */
    public static NodeStatus following(int ordinal, long term, long seq, int primaryOrdinal) {
        LogPosition at = new LogPosition(term, seq);
        return node(
                ordinal, Role.HELPER, term, at, at, address(primaryOrdinal), List.of(), NodeStatus.Timing.unknown());
    }

    /**
     * A helper in {@code term} that last followed the primary at {@code primaryOrdinal} and heard from it
     * {@code ageMillis} ago; {@code lost} once that is past its detection timeout.
     */
    public static NodeStatus contact(int ordinal, long term, int primaryOrdinal, long ageMillis, boolean lost) {
        LogPosition at = new LogPosition(term, 5);
        return node(
                ordinal,
                Role.HELPER,
                term,
                at,
                at,
                address(primaryOrdinal),
                List.of(),
                new NodeStatus.Timing(false, 0, address(primaryOrdinal), ageMillis, lost, 100, 500, 1000, 200, 0));
    }

    /** A primary's status that reports each helper's lag. */
    public static NodeStatus primaryStatus(int ordinal, long term, long seq, Map<Integer, Long> lagByOrdinal) {
        List<NodeStatus.HelperProgress> helpers = lagByOrdinal.entrySet().stream()
                .map(e -> new NodeStatus.HelperProgress(address(e.getKey()), seq - e.getValue(), e.getValue(), true))
                .toList();
        LogPosition at = new LogPosition(term, seq);
        return node(ordinal, Role.PRIMARY, term, at, at, address(ordinal), helpers, NodeStatus.Timing.unknown());
    }

    public static Failover failover(FailoverStep step, String from, String to, Long term) {
        Failover failover = new Failover();
        failover.setStep(step);
        failover.setFrom(from);
        failover.setTo(to);
        failover.setTerm(term);
        failover.setReason("test");
        return failover;
    }
}
