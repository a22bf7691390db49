package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.following;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.failover.PlannerFixtures.CTX;
import static dev.replicagroup.operator.failover.PlannerFixtures.fencedAt;
import static dev.replicagroup.operator.failover.PlannerFixtures.obs;
import static dev.replicagroup.operator.failover.PlannerFixtures.primaryGone;
import static dev.replicagroup.operator.failover.PlannerFixtures.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A switchover: to the named pod when it holds everything, handed over once, the old primary kept. */
class FailoverPlannerSwitchoverTest {
    @Test
    void aSwitchoverGoesToTheNamedPodWhenItHoldsTheFencedOldPrimarysCommittedLog() {
        Failover switchover = failover(FailoverStep.Select, "demo-0", "demo-2", 4L);
        switchover.setSwitchover(true);
        // The old primary, fenced, committed up to 11; demo-1 got one more (unacknowledged) entry than demo-2.
        NodeStatus old = fencedAt(0, Role.FENCED, 12, 11);
        Observation uneven = obs(
                List.of(pod(0, "helper", true), pod(1, "helper", true), pod(2, "helper", true)),
                Map.of(
                        "demo-0",
                        old,
                        "demo-1",
                        fencedAt(1, Role.HELPER, 12, 11),
                        "demo-2",
                        fencedAt(2, Role.HELPER, 11, 11)));
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(switchover, uneven, CTX));
        Observation behind = obs(
                uneven.pods(),
                Map.of(
                        "demo-0",
                        old,
                        "demo-1",
                        fencedAt(1, Role.HELPER, 12, 11),
                        "demo-2",
                        fencedAt(2, Role.HELPER, 10, 10)));
        assertEquals(
                new FailoverAction.Choose("demo-1"),
                FailoverPlanner.next(switchover, behind, CTX),
                "behind the commit point it might miss an acknowledged write: the rule's choice instead");
    }

    @Test
    void aSwitchoverHandsOverOnceBeforeItFencesWhileTheOldPrimaryServes() {
        Failover switchover = failover(FailoverStep.Fence, "demo-0", "demo-2", 4L);
        switchover.setSwitchover(true);
        List<PodView> pods = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        Observation serving = obs(
                pods,
                Map.of(
                        "demo-0",
                        status(0, Role.PRIMARY, 3, 12),
                        "demo-1",
                        following(1, 3, 12, 0),
                        "demo-2",
                        following(2, 3, 10, 0)));
        assertEquals(
                new FailoverAction.HandOff("demo-0", address(0), 3, "demo-2", address(2)),
                FailoverPlanner.next(switchover, serving, CTX));

        switchover.setHandedOff(true);
        assertInstanceOf(
                FailoverAction.Fence.class,
                FailoverPlanner.next(switchover, serving, CTX),
                "once only, caught up or not: the fence and the promotion rule decide the rest");

        Failover failover = failover(FailoverStep.Fence, "demo-0", null, 4L);
        assertInstanceOf(
                FailoverAction.Fence.class,
                FailoverPlanner.next(failover, serving, CTX),
                "a failover has no target to wait for");
        Failover toAStranger = failover(FailoverStep.Fence, "demo-0", "demo-1", 4L);
        toAStranger.setSwitchover(true);
        Observation targetElsewhere =
                obs(pods, Map.of("demo-0", status(0, Role.PRIMARY, 3, 12), "demo-1", following(1, 3, 12, 2)));
        assertInstanceOf(
                FailoverAction.Fence.class,
                FailoverPlanner.next(toAStranger, targetElsewhere, CTX),
                "the target does not follow the old primary: nothing it could receive from it");
    }

    @Test
    void aSwitchoverGoesToTheNamedPodOnlyWhenItHoldsEverything() {
        Failover switchover = failover(FailoverStep.Select, "demo-0", "demo-1", 4L);
        switchover.setSwitchover(true);
        assertEquals(new FailoverAction.Choose("demo-1"), FailoverPlanner.next(switchover, primaryGone(12, 12), CTX));
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(switchover, primaryGone(11, 12), CTX));
    }

    @Test
    void afterASwitchoverTheOldPrimaryFollowsInsteadOfBeingReplaced() {
        Failover verify = failover(FailoverStep.Verify, "demo-0", "demo-2", 4L);
        verify.setSwitchover(true);
        Observation serving = obs(
                List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "primary", true)),
                Map.of(
                        "demo-0",
                        status(0, Role.FENCED, 4, 6),
                        "demo-1",
                        following(1, 4, 6, 2),
                        "demo-2",
                        status(2, Role.PRIMARY, 4, 6)));
        assertEquals(
                new FailoverAction.Finish("demo-2", address(2), List.of(), List.of(replica(0))),
                FailoverPlanner.next(verify, serving, CTX));
    }
}
