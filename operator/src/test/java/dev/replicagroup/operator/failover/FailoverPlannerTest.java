package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.contact;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.following;
import static dev.replicagroup.operator.Fixtures.node;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.LogPositionStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverPlannerTest {
    /** Three replicas, syncAcks 1: two helpers, both must answer. Term 3 in status; the failover's term is 4. */
    private static final FailoverPlanner.Context CTX =
            new FailoverPlanner.Context(3, 2, 1, Map.of("demo-1", 5, "demo-2", 9), 500, 200);

    private static Observation obs(List<PodView> pods, Map<String, NodeStatus> replicas) {
        return new Observation(pods, replicas, NOW);
    }

    private static FailoverAction.Replica replica(int ordinal) {
        return new FailoverAction.Replica("demo-" + ordinal, address(ordinal));
    }

    /** demo-0 (old primary) is gone; demo-1 and demo-2 are Ready helpers, fenced in term 4, at the given seqs. */
    private static Observation primaryGone(long seq1, long seq2) {
        return obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 4, seq1), "demo-2", status(2, Role.HELPER, 4, seq2)));
    }

    private static Failover select() {
        return failover(FailoverStep.Select, "demo-0", null, 4L);
    }

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

    /** The old primary, fenced in term 4, its log ending at (4, last) and committed up to (4, commit). */
    private static NodeStatus oldPrimary(long last, long commit) {
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

    /** A replica fenced in term 4 whose log ends at (3, last), committed to {@code commit}. */
    private static NodeStatus fencedAt(int ordinal, Role role, long last, long commit) {
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
    void promoteSendsTheRecordedTermOrMovesOnOrStartsOverInAHigherTerm() {
        Failover promote = failover(FailoverStep.Promote, "demo-0", "demo-2", 4L);
        // Fixture statuses carry no timing: nothing bounds the old primary's lease, so the full lease + drift.
        assertEquals(
                new FailoverAction.Promote("demo-2", address(2), 4, 700),
                FailoverPlanner.next(promote, primaryGone(1, 1), CTX));

        Observation alreadyPrimary = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", status(1, Role.HELPER, 4, 1), "demo-2", status(2, Role.PRIMARY, 4, 2)));
        assertInstanceOf(FailoverAction.AlreadyPromoted.class, FailoverPlanner.next(promote, alreadyPrimary, CTX));

        Observation candidateGone = obs(
                List.of(pod(1, "helper", true), terminating(2, "helper")),
                Map.of("demo-1", status(1, Role.HELPER, 4, 1)));
        assertEquals(
                new FailoverAction.Reselect("candidate demo-2 is gone", 5),
                FailoverPlanner.next(promote, candidateGone, CTX));
    }

    @Test
    void repointDemotesAnyOtherPrimaryLabelAndTellsTheOthersToFollow() {
        Observation obs = obs(
                List.of(pod(1, "primary", true), pod(2, "helper", true), pod(3, "helper", true)),
                Map.of(
                        "demo-1",
                        status(1, Role.HELPER, 4, 5),
                        "demo-2",
                        status(2, Role.PRIMARY, 4, 6),
                        "demo-3",
                        following(3, 4, 6, 2)));
        var action = (FailoverAction.Repoint)
                FailoverPlanner.next(failover(FailoverStep.Repoint, "demo-0", "demo-2", 4L), obs, CTX);
        assertEquals(List.of("demo-1"), action.demote());
        assertEquals(address(2), action.candidateAddress());
        // demo-3 already follows demo-2 in term 4; demo-1 is fenced in term 4 and follows nobody yet.
        assertEquals(List.of(replica(1)), action.followers());
    }

    @Test
    void verifyWaitsForTheNewPrimaryThenReplacesTheFailedOne() {
        Failover verify = failover(FailoverStep.Verify, "demo-0", "demo-2", 4L);
        Observation notYet = obs(
                List.of(pod(0, "helper", false), pod(1, "helper", true), pod(2, "primary", true)),
                Map.of("demo-2", status(2, Role.HELPER, 4, 6)));
        assertInstanceOf(FailoverAction.Wait.class, FailoverPlanner.next(verify, notYet, CTX));

        Observation serving =
                obs(notYet.pods(), Map.of("demo-1", following(1, 4, 6, 2), "demo-2", status(2, Role.PRIMARY, 4, 6)));
        assertEquals(
                new FailoverAction.Finish("demo-2", address(2), List.of("demo-0"), List.of()),
                FailoverPlanner.next(verify, serving, CTX));
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

    private static Failover promoteFromDemo0() {
        Failover promote = failover(FailoverStep.Promote, "demo-0", "demo-2", 4L);
        promote.setFromAddress(address(0));
        return promote;
    }

    private static long holdoff(Failover failover, long age1, long age2) {
        Observation fenced = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", contact(1, 4, 0, age1, age1 >= 1000), "demo-2", contact(2, 4, 0, age2, age2 >= 1000)));
        return ((FailoverAction.Promote) FailoverPlanner.next(failover, fenced, CTX)).holdoffMillis();
    }

    @Test
    void theHoldoffIsWhatIsLeftOfTheOldLeaseAfterTheQuorumLastHeardOfIt() {
        // Quorum 2 of 2: the smaller age bounds the old lease: 500 + 200 - 300.
        assertEquals(400, holdoff(promoteFromDemo0(), 300, 1200));
        assertEquals(0, holdoff(promoteFromDemo0(), 700, 1200));
        // A helper that never heard from it (restarted) counts as just now.
        assertEquals(700, holdoff(promoteFromDemo0(), -1, 1200));
    }

    @Test
    void noHoldoffWhenTheOldPrimaryItselfAnsweredTheFenceInThisTerm() {
        Failover fenced = promoteFromDemo0();
        fenced.setOldPrimaryFencedInTerm(4L);
        assertEquals(0, holdoff(fenced, 0, 0));
        // Fenced in an earlier attempt's term only: this term's hold-off still applies.
        fenced.setOldPrimaryFencedInTerm(3L);
        assertEquals(700, holdoff(fenced, 0, 0));
    }

    @Test
    void contactWithSomeOtherPrimaryTellsNothingAboutTheOldLease() {
        Failover unknownAddress = promoteFromDemo0();
        unknownAddress.setFromAddress(address(7));
        assertEquals(700, holdoff(unknownAddress, 1200, 1200));
    }

    @Test
    void theLargerOfTheSpecsAndTheReplicasLeaseCounts() {
        var shortSpec = new FailoverPlanner.Context(3, 2, 1, Map.of(), 100, 50);
        Observation fenced = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", contact(1, 4, 0, 0, false), "demo-2", contact(2, 4, 0, 0, false)));
        assertEquals(
                700,
                ((FailoverAction.Promote) FailoverPlanner.next(promoteFromDemo0(), fenced, shortSpec)).holdoffMillis());
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

    @Test
    void repointWaitsWhileTheNewPrimaryHasNoAddress() {
        PodView noIp = new PodView(
                "demo-2", 2, "helper", false, Optional.empty(), false, false, Optional.empty(), Optional.empty());
        Observation obs = obs(List.of(pod(1, "helper", true), noIp), Map.of("demo-1", status(1, Role.HELPER, 4, 5)));
        assertEquals(
                new FailoverAction.Wait("new primary demo-2 has no address"),
                FailoverPlanner.next(failover(FailoverStep.Repoint, "demo-0", "demo-2", 4L), obs, CTX));
    }

    @Test
    void verifyChoosesAgainInAHigherTermWhenTheNewPrimaryIsGone() {
        Observation gone = obs(
                List.of(pod(1, "helper", true), terminating(2, "primary")),
                Map.of("demo-1", status(1, Role.HELPER, 4, 5)));
        assertEquals(
                new FailoverAction.Reselect("new primary demo-2 is gone", 5),
                FailoverPlanner.next(failover(FailoverStep.Verify, "demo-0", "demo-2", 4L), gone, CTX));
    }

    @Test
    void aFinishedFailoverHasNothingLeftToDo() {
        assertEquals(
                new FailoverAction.Wait("finished"),
                FailoverPlanner.next(failover(FailoverStep.Done, "demo-0", "demo-2", 4L), primaryGone(1, 1), CTX));
    }
}
