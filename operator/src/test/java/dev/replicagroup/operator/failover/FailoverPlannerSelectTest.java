package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.following;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static dev.replicagroup.operator.failover.PlannerFixtures.CTX;
import static dev.replicagroup.operator.failover.PlannerFixtures.obs;
import static dev.replicagroup.operator.failover.PlannerFixtures.oldPrimary;
import static dev.replicagroup.operator.failover.PlannerFixtures.primaryGone;
import static dev.replicagroup.operator.failover.PlannerFixtures.replica;
import static dev.replicagroup.operator.failover.PlannerFixtures.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.LogPositionStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Select step: which replica is promoted, or why none may be. */
class FailoverPlannerSelectTest {
    @Test
    void selectFencesAHelperThatAnswersOnlyNow() {
        Observation late = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 4, 5), "demo-2", status(2, Role.HELPER, 3, 6)));
        assertEquals(
                new FailoverAction.Fence("demo-0", List.of(replica(2)), 4), FailoverPlanner.next(select(), late, CTX));
    }

    @Test
    void selectPromotesTheMostAdvancedHelper() {
        // demo-1 has the later writes; demo-2's higher liveness does not outweigh them.
        assertEquals(new FailoverAction.Choose("demo-1"), FailoverPlanner.next(select(), primaryGone(12, 10), CTX));
    }

    @Test
    void selectBreaksTiesByLiveness() {
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(select(), primaryGone(12, 12), CTX));
        var reversed = new FailoverPlanner.Context(3, 2, 1, Map.of("demo-1", 9, "demo-2", 5), 500, 200);
        assertEquals(
                new FailoverAction.Choose("demo-1"), FailoverPlanner.next(select(), primaryGone(12, 12), reversed));
    }

    @Test
    void selectBlocksWithoutAQuorumOfHelpers() {
        Observation oneAnswers = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 4, 10)));
        var action = FailoverPlanner.next(select(), oneAnswers, CTX);
        assertInstanceOf(FailoverAction.Block.class, action);
        assertTrue(((FailoverAction.Block) action).reason().contains("heard from 1 of 2 helpers"));
    }

    @Test
    void selectDoesNotChooseTheOldPrimaryWhenAHelperHoldsWhatItCommitted() {
        // Ahead only by entries it never committed (no helper acked them): those are not acknowledged writes.
        Observation fencedOldAhead = obs(
                List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "helper", true)),
                Map.of(
                        "demo-0",
                        oldPrimary(99, 11),
                        "demo-1",
                        status(1, Role.HELPER, 4, 10),
                        "demo-2",
                        status(2, Role.HELPER, 4, 11)));
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(select(), fencedOldAhead, CTX));
    }

    @Test
    void noHelperBehindWhatTheOldPrimaryCommittedIsPromotedWhileItsPodExists() {
        // A helper that acked (4, 12) restarted empty: only the old primary still holds it.
        Map<String, NodeStatus> helpers =
                Map.of("demo-1", status(1, Role.HELPER, 4, 10), "demo-2", status(2, Role.HELPER, 4, 11));
        Map<String, NodeStatus> withOld = new java.util.HashMap<>(helpers);
        withOld.put("demo-0", oldPrimary(12, 12));
        Observation answering =
                obs(List.of(pod(0, "helper", true), pod(1, "helper", true), pod(2, "helper", true)), withOld);
        assertEquals(
                new FailoverAction.Choose("demo-0"),
                FailoverPlanner.next(select(), answering, CTX),
                "the old primary, fenced and Ready, holds it: chosen");
        Failover remembered = select();
        remembered.setOldPrimaryCommitted(LogPositionStatus.of(new LogPosition(4, 12)));
        Observation silent = obs(answering.pods(), helpers);
        FailoverAction waits = FailoverPlanner.next(remembered, silent, CTX);
        assertTrue(
                assertInstanceOf(FailoverAction.Block.class, waits)
                        .reason()
                        .contains("the old primary committed up to (4, 12)"),
                waits.toString());
        Observation terminating =
                obs(List.of(terminating(0, "helper"), pod(1, "helper", true), pod(2, "helper", true)), withOld);
        assertInstanceOf(
                FailoverAction.Block.class,
                FailoverPlanner.next(select(), terminating, CTX),
                "a pod on its way out is not promoted, but its data still binds while it runs");
        assertEquals(
                new FailoverAction.Choose("demo-2"),
                FailoverPlanner.next(remembered, primaryGone(10, 11), CTX),
                "its pod gone, its in-memory state went with it: the best helper");
    }

    @Test
    void blockedTheOldPrimaryIsChosenWhenItAnswersFencedWithEverything() {
        // Only demo-1 answers (no quorum); the old primary is back, fenced in term 4 and ahead of it.
        Observation oldBack = obs(
                List.of(pod(0, "helper", true), pod(1, "helper", true), pod(2, "helper", false)),
                Map.of("demo-0", status(0, Role.FENCED, 4, 12), "demo-1", status(1, Role.HELPER, 4, 10)));
        assertEquals(new FailoverAction.Choose("demo-0"), FailoverPlanner.next(select(), oldBack, CTX));
        // Behind a helper it heard from, or not yet fenced in the term, it is not chosen.
        Observation oldBehind = obs(
                oldBack.pods(),
                Map.of("demo-0", status(0, Role.FENCED, 4, 9), "demo-1", status(1, Role.HELPER, 4, 10)));
        assertInstanceOf(FailoverAction.Block.class, FailoverPlanner.next(select(), oldBehind, CTX));
        Observation oldUnfenced = obs(
                List.of(pod(0, "helper", true), pod(1, "helper", true)),
                Map.of("demo-0", status(0, Role.PRIMARY, 3, 12), "demo-1", status(1, Role.HELPER, 4, 10)));
        assertInstanceOf(
                FailoverAction.Fence.class, FailoverPlanner.next(select(), oldUnfenced, CTX), "it is fenced first");
        // Chosen again, it is not deleted as a failed primary would be.
        Observation serving =
                obs(oldBack.pods(), Map.of("demo-0", status(0, Role.PRIMARY, 4, 13), "demo-1", following(1, 4, 13, 0)));
        FailoverAction finish =
                FailoverPlanner.next(failover(FailoverStep.Verify, "demo-0", "demo-0", 4L), serving, CTX);
        assertEquals(
                List.of(), assertInstanceOf(FailoverAction.Finish.class, finish).delete());
    }

    @Test
    void theAnswersOfAStepOverrideOlderPushedStatuses() {
        Observation pushedBeforeTheFence = primaryGone(5, 5).withAnswers(Map.of());
        Observation fenced = obs(
                        pushedBeforeTheFence.pods(),
                        Map.of("demo-1", status(1, Role.HELPER, 3, 5), "demo-2", status(2, Role.HELPER, 3, 5)))
                .withAnswers(Map.of("demo-1", status(1, Role.HELPER, 4, 5), "demo-2", status(2, Role.HELPER, 4, 6)));
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(select(), fenced, CTX));
    }
}
