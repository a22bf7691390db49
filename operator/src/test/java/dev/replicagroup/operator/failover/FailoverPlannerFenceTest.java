package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static dev.replicagroup.operator.failover.PlannerFixtures.CTX;
import static dev.replicagroup.operator.failover.PlannerFixtures.obs;
import static dev.replicagroup.operator.failover.PlannerFixtures.primaryGone;
import static dev.replicagroup.operator.failover.PlannerFixtures.replica;
import static dev.replicagroup.operator.failover.PlannerFixtures.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.replica.core.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Detect and Fence steps: the failover's term, and whom it fences. */
class FailoverPlannerFenceTest {
    @Test
    void detectRaisesTheTermAboveEveryTermSeen() {
        Observation calm = obs(
                List.of(pod(0, "primary", false), pod(1, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, 5)));
        assertEquals(
                new FailoverAction.Announce(4),
                FailoverPlanner.next(failover(FailoverStep.Detect, "demo-0", null, null), calm, CTX));
        Observation ahead = obs(calm.pods(), Map.of("demo-1", status(1, Role.HELPER, 7, 5)));
        assertEquals(
                new FailoverAction.Announce(8),
                FailoverPlanner.next(failover(FailoverStep.Detect, "demo-0", null, null), ahead, CTX));
    }

    @Test
    void fenceReachesEveryReplicaThatAnswersAndSkipsTheSilentOnes() {
        Observation all = obs(
                List.of(pod(0, "primary", false), pod(1, "helper", true), pod(2, "helper", true)),
                Map.of(
                        "demo-0",
                        status(0, Role.PRIMARY, 3, 5),
                        "demo-1",
                        status(1, Role.HELPER, 3, 5),
                        "demo-2",
                        status(2, Role.HELPER, 3, 5)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(0), replica(1), replica(2)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), all, CTX));
        // demo-0's pod is there but its watch is silent (frozen, cut off): no status, so no call that would time out.
        Observation oldSilent =
                obs(all.pods(), Map.of("demo-1", status(1, Role.HELPER, 3, 5), "demo-2", status(2, Role.HELPER, 3, 5)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(1), replica(2)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), oldSilent, CTX));
        // A deleted old primary still runs until its grace period ends: fenced while it answers.
        Observation oldDeleted =
                obs(List.of(terminating(0, "primary"), pod(1, "helper", true), pod(2, "helper", true)), all.replicas());
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(0), replica(1), replica(2)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), oldDeleted, CTX));
        // After a restart the old primary may report the term already; it is fenced again, for its answer.
        Observation oldInTerm = obs(
                all.pods(),
                Map.of(
                        "demo-0",
                        status(0, Role.FENCED, 4, 5),
                        "demo-1",
                        status(1, Role.HELPER, 4, 5),
                        "demo-2",
                        status(2, Role.HELPER, 4, 5)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(0)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), oldInTerm, CTX));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), primaryGone(1, 1), CTX));
    }

    @Test
    void theFenceStepAlsoCallsALiveHelperWithNoStatusButNotASilentOldPrimary() {
        // demo-2's stream is silent (a starved replica, or a new leader's stream not yet delivering): fencing it
        // is how its status arrives; demo-0, the old primary, silent too, is not called (it may be frozen).
        Observation helperSilent = obs(
                List.of(pod(0, "primary", false), pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, 5)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(1), replica(2)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), helperSilent, CTX));
        // In Select a helper with no status is not called again (a dead one would cost a deadline per step).
        Observation stillSilent = obs(helperSilent.pods(), Map.of("demo-1", status(1, Role.HELPER, 4, 5)));
        assertInstanceOf(FailoverAction.Block.class, FailoverPlanner.next(select(), stillSilent, CTX));
        // A terminating helper with no status is on its way out: not called.
        Observation helperLeaving = obs(
                List.of(pod(0, "primary", false), pod(1, "helper", true), terminating(2, "helper")),
                Map.of("demo-1", status(1, Role.HELPER, 3, 5)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(1)), 4),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, 4L), helperLeaving, CTX));
    }
}
