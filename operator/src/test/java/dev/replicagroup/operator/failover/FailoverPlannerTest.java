package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.reconcile.Observation;
import dev.replicagroup.operator.reconcile.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.replication.NodeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailoverPlannerTest {
    /** Three replicas, syncAcks 1: two helpers, both must answer. Term 3 in status. */
    private static final FailoverPlanner.Context CTX = new FailoverPlanner.Context(3, 2, 1, Map.of("demo-1", 5, "demo-2", 9));

    private static Observation obs(List<PodView> pods, Map<String, NodeStatus> replicas) {
        return new Observation(pods, replicas, NOW);
    }

    /** demo-0 (old primary) is gone; demo-1 and demo-2 are Ready helpers at the given seqs. */
    private static Observation primaryGone(long seq1, long seq2) {
        return obs(List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, seq1), "demo-2", status(2, Role.HELPER, 3, seq2)));
    }

    @Test
    void detectAnnouncesThenFenceTargetsTheOldPrimaryInTheCurrentTerm() {
        Observation oldStillThere = obs(List.of(pod(0, "primary", false), pod(1, "helper", true)), Map.of());
        assertInstanceOf(FailoverAction.Announce.class,
                FailoverPlanner.next(failover(FailoverStep.Detect, "demo-0", null, null), oldStillThere, CTX));
        assertEquals(new FailoverAction.Fence("demo-0", address(0), 3),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, null), oldStillThere, CTX));
        assertEquals(new FailoverAction.Fence("demo-0", null, 3),
                FailoverPlanner.next(failover(FailoverStep.Fence, "demo-0", null, null), primaryGone(1, 1), CTX));
    }

    @Test
    void selectPromotesTheMostAdvancedHelperInAHigherTerm() {
        // demo-1 has the later writes; demo-2's higher liveness does not outweigh them.
        var action = FailoverPlanner.next(failover(FailoverStep.Select, "demo-0", null, null), primaryGone(12, 10), CTX);
        assertEquals(new FailoverAction.Choose("demo-1", 4), action);
    }

    @Test
    void selectBreaksTiesByLiveness() {
        var action = FailoverPlanner.next(failover(FailoverStep.Select, "demo-0", null, null), primaryGone(12, 12), CTX);
        assertEquals(new FailoverAction.Choose("demo-2", 4), action);
        var reversed = new FailoverPlanner.Context(3, 2, 1, Map.of("demo-1", 9, "demo-2", 5));
        assertEquals(new FailoverAction.Choose("demo-1", 4),
                FailoverPlanner.next(failover(FailoverStep.Select, "demo-0", null, null), primaryGone(12, 12), reversed));
    }

    @Test
    void theNewTermIsAboveEveryTermSeen() {
        Observation ahead = obs(List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 7, 3), "demo-2", status(2, Role.HELPER, 3, 3)));
        var action = (FailoverAction.Choose) FailoverPlanner.next(
                failover(FailoverStep.Select, "demo-0", null, null), ahead, CTX);
        assertEquals(8, action.newTerm());
        assertEquals("demo-1", action.candidate());
    }

    @Test
    void selectBlocksWithoutAQuorumOfHelpers() {
        Observation oneAnswers = obs(List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, 10)));
        var action = FailoverPlanner.next(failover(FailoverStep.Select, "demo-0", null, null), oneAnswers, CTX);
        assertInstanceOf(FailoverAction.Block.class, action);
        assertTrue(((FailoverAction.Block) action).reason().contains("heard from 1 of 2 helpers"));
    }

    @Test
    void selectNeverChoosesTheOldPrimaryEvenWhenItAnswersFenced() {
        Observation fencedOldAhead = obs(List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-0", status(0, Role.FENCED, 3, 99), "demo-1", status(1, Role.HELPER, 3, 10),
                        "demo-2", status(2, Role.HELPER, 3, 11)));
        var action = (FailoverAction.Choose) FailoverPlanner.next(
                failover(FailoverStep.Select, "demo-0", null, null), fencedOldAhead, CTX);
        assertEquals("demo-2", action.candidate());
    }

    @Test
    void aSwitchoverGoesToTheNamedPodOnlyWhenItHoldsEverything() {
        Failover switchover = failover(FailoverStep.Select, "demo-0", "demo-1", null);
        switchover.setSwitchover(true);
        assertEquals(new FailoverAction.Choose("demo-1", 4), FailoverPlanner.next(switchover, primaryGone(12, 12), CTX));
        assertEquals(new FailoverAction.Choose("demo-2", 4), FailoverPlanner.next(switchover, primaryGone(11, 12), CTX));
    }

    @Test
    void promoteSendsTheRecordedTermOrMovesOnOrChoosesAgain() {
        Failover promote = failover(FailoverStep.Promote, "demo-0", "demo-2", 4L);
        assertEquals(new FailoverAction.Promote("demo-2", address(2), 4), FailoverPlanner.next(promote, primaryGone(1, 1), CTX));

        Observation alreadyPrimary = obs(List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, 1), "demo-2", status(2, Role.PRIMARY, 4, 2)));
        assertInstanceOf(FailoverAction.AlreadyPromoted.class, FailoverPlanner.next(promote, alreadyPrimary, CTX));

        Observation candidateGone = obs(List.of(pod(1, "helper", true), terminating(2, "helper")), Map.of());
        assertInstanceOf(FailoverAction.Reselect.class, FailoverPlanner.next(promote, candidateGone, CTX));
    }

    @Test
    void repointDemotesAnyOtherPrimaryLabelAndTellsTheOthersToFollow() {
        Observation obs = obs(List.of(pod(1, "primary", true), pod(2, "helper", true), pod(3, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 3, 5), "demo-2", status(2, Role.PRIMARY, 4, 6),
                        "demo-3", status(3, Role.HELPER, 4, 6)));
        var action = (FailoverAction.Repoint) FailoverPlanner.next(
                failover(FailoverStep.Repoint, "demo-0", "demo-2", 4L), obs, CTX);
        assertEquals(List.of("demo-1"), action.demote());
        assertEquals(address(2), action.candidateAddress());
        // demo-3 already helps in term 4; only demo-1 (still in term 3) must be told.
        assertEquals(List.of(new FailoverAction.Follower("demo-1", address(1))), action.followers());
    }

    @Test
    void verifyWaitsForTheNewPrimaryThenReplacesTheFailedOne() {
        Failover verify = failover(FailoverStep.Verify, "demo-0", "demo-2", 4L);
        Observation notYet = obs(List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "primary", true)),
                Map.of("demo-2", status(2, Role.HELPER, 3, 6)));
        assertInstanceOf(FailoverAction.Wait.class, FailoverPlanner.next(verify, notYet, CTX));

        Observation serving = obs(notYet.pods(), Map.of("demo-1", status(1, Role.HELPER, 4, 6),
                "demo-2", status(2, Role.PRIMARY, 4, 6)));
        assertEquals(new FailoverAction.Finish("demo-2", address(2), List.of("demo-0"), List.of()),
                FailoverPlanner.next(verify, serving, CTX));
    }

    @Test
    void afterASwitchoverTheOldPrimaryFollowsInsteadOfBeingReplaced() {
        Failover verify = failover(FailoverStep.Verify, "demo-0", "demo-2", 4L);
        verify.setSwitchover(true);
        Observation serving = obs(List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "primary", true)),
                Map.of("demo-0", status(0, Role.FENCED, 3, 6), "demo-1", status(1, Role.HELPER, 4, 6),
                        "demo-2", status(2, Role.PRIMARY, 4, 6)));
        assertEquals(new FailoverAction.Finish("demo-2", address(2), List.of(),
                List.of(new FailoverAction.Follower("demo-0", address(0)))), FailoverPlanner.next(verify, serving, CTX));
    }
}
