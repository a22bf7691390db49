package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.node;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;

/** What the failover planner's tests share: a group of three (demo-0 the old primary) and its replicas' states. */
final class PlannerFixtures {
    private PlannerFixtures() {}

    /** Three replicas, syncAcks 1: two helpers, both must answer. Term 3 in status; the failover's term is 4. */
    static final FailoverPlanner.Context CTX =
            new FailoverPlanner.Context(3, 2, 1, Map.of("demo-1", 5, "demo-2", 9), 500, 200);

    static Observation obs(List<PodView> pods, Map<String, NodeStatus> replicas) {
        return new Observation(pods, replicas, NOW);
    }

    static FailoverAction.Replica replica(int ordinal) {
        return new FailoverAction.Replica("demo-" + ordinal, address(ordinal));
    }

    /** demo-0 (old primary) is gone; demo-1 and demo-2 are Ready helpers, fenced in term 4, at the given seqs. */
    static Observation primaryGone(long seq1, long seq2) {
        return obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 4, seq1), "demo-2", status(2, Role.HELPER, 4, seq2)));
    }

    static Failover select() {
        return failover(FailoverStep.Select, "demo-0", null, 4L);
    }

    /** The old primary, fenced in term 4, its log ending at (4, last) and committed up to (4, commit). */
    static NodeStatus oldPrimary(long last, long commit) {
        return node(
                0,
                Role.FENCED,
                4,
                new LogPosition(4, last),
                new LogPosition(4, commit),
                "",
                List.of(),
                NodeStatus.Timing.unknown());
    }

    /** A replica fenced in term 4 whose log ends at (3, last), committed to {@code commit}. */
    static NodeStatus fencedAt(int ordinal, Role role, long last, long commit) {
        return node(
                ordinal,
                role,
                4,
                new LogPosition(3, last),
                new LogPosition(3, commit),
                "",
                List.of(),
                NodeStatus.Timing.unknown());
    }
}
