package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.following;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static dev.replicagroup.operator.failover.PlannerFixtures.CTX;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Promote, Repoint and Verify steps, and a finished failover. */
class FailoverPlannerPromoteTest {
    @Test
    void promoteSendsTheRecordedTermOrMovesOnOrStartsOverInAHigherTerm() {
        Failover promote = failover(FailoverStep.Promote, "demo-0", "demo-2", 4L);
        // Fixture statuses carry no timing: nothing bounds the old primary's lease, so the full lease + drift.
        assertEquals(
                new FailoverAction.Promote("demo-2", address(2), 4, 700, List.of(replica(1))),
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
    void repointWaitsWhileTheNewPrimaryHasNoAddress() {
        PodView noIp = new PodView(
                "demo-2", 2, "helper", false, Optional.empty(), false, false, Optional.empty(), Optional.empty());
        Observation obs = obs(List.of(pod(1, "helper", true), noIp), Map.of("demo-1", status(1, Role.HELPER, 4, 5)));
        assertEquals(
                new FailoverAction.Wait("new primary demo-2 has no address"),
                FailoverPlanner.next(failover(FailoverStep.Repoint, "demo-0", "demo-2", 4L), obs, CTX));
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
