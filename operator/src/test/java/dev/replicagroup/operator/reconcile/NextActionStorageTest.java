package dev.replicagroup.operator.reconcile;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.Fixtures;
import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.observed.ClaimView;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The next action for a group whose members keep their data on volumes (spec.storage): restarts and claims. */
class NextActionStorageTest {
    // ------------------------------------------------------------------ with storage: whole-group restart

    private static ClaimView claim(int ordinal) {
        return new ClaimView("demo-" + ordinal, ordinal, false);
    }

    private static final List<ClaimView> THREE_CLAIMS = List.of(claim(0), claim(1), claim(2));

    private static NextAction.Action withStorage(
            List<PodView> pods,
            Map<String, NodeStatus> replicas,
            List<ClaimView> claims,
            Optional<String> primary,
            boolean hasServed,
            FailoverSpec failover) {
        return NextAction.decide(new NextAction.Input(
                new Observation(pods, replicas, NOW, claims),
                3,
                1,
                failover,
                primary,
                hasServed,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                4,
                true,
                Fixtures.UP_TO_DATE));
    }

    private static NextAction.Action withStorage(List<PodView> pods, Map<String, NodeStatus> replicas) {
        return withStorage(pods, replicas, THREE_CLAIMS, Optional.of("demo-0"), true, new FailoverSpec());
    }

    @Test
    void whenEveryPodIsGoneTheMembersComeBackOnTheirVolumesFencedNotAsAnEmptyPrimary() {
        assertEquals(new NextAction.CreateMember(0), withStorage(List.of(), Map.of()));
        // The last primary's pod is back but has not answered yet: it is not serving, so the others follow it back.
        assertEquals(new NextAction.CreateMember(1), withStorage(List.of(pod(0, "primary", false)), Map.of()));
        assertEquals(
                new NextAction.CreateMember(2),
                withStorage(
                        List.of(pod(0, "helper", false), pod(1, "helper", false)),
                        Map.of("demo-0", status(0, Role.FENCED, 4, 10))));
    }

    @Test
    void onceEveryMemberIsBackFencedAPrimaryIsChosenAmongThem() {
        var pods = List.of(pod(0, "helper", false), pod(1, "helper", false), pod(2, "helper", false));
        var fenced = Map.of(
                "demo-0", status(0, Role.FENCED, 4, 10),
                "demo-1", status(1, Role.FENCED, 4, 12),
                "demo-2", status(2, Role.FENCED, 0, 0));
        assertInstanceOf(NextAction.StartRestart.class, withStorage(pods, fenced));
        FailoverSpec off = new FailoverSpec();
        off.setEnabled(false);
        assertInstanceOf(
                NextAction.Wait.class, withStorage(pods, fenced, THREE_CLAIMS, Optional.of("demo-0"), true, off));
    }

    @Test
    void deletedPodsMustGoBeforeTheirMembersComeBack() {
        var action =
                withStorage(List.of(Fixtures.terminating(0, "primary"), Fixtures.terminating(1, "helper")), Map.of());
        assertInstanceOf(NextAction.Wait.class, action);
        assertTrue(((NextAction.Wait) action).why().contains("demo-0, demo-1"));
    }

    @Test
    void aMemberWhoseClaimIsBeingDeletedIsReplacedByANewOrdinal() {
        var claims = List.of(claim(0), new ClaimView("demo-1", 1, true), claim(2));
        assertEquals(
                new NextAction.CreateMember(3),
                withStorage(
                        List.of(pod(0, "helper", false), pod(2, "helper", false)),
                        Map.of(),
                        claims,
                        Optional.of("demo-0"),
                        true,
                        new FailoverSpec()));
    }

    @Test
    void aNewGroupsFirstPrimaryStartingIsNotARestart() {
        var action = withStorage(
                List.of(pod(0, "primary", false)),
                Map.of(),
                List.of(claim(0)),
                Optional.of("demo-0"),
                false,
                new FailoverSpec());
        assertInstanceOf(NextAction.Wait.class, action);
        assertTrue(((NextAction.Wait) action).why().contains("starting"), action.toString());
    }

    @Test
    void withAServingPrimaryAMemberThatLostItsPodJoinsItAsAHelper() {
        assertEquals(
                new NextAction.CreateHelper(1, address(0)),
                withStorage(
                        List.of(pod(0, "primary", true), pod(2, "helper", true)),
                        Map.of("demo-0", status(0, Role.PRIMARY, 4, 10), "demo-2", Fixtures.following(2, 4, 10, 0))));
    }

    @Test
    void retainedClaimsOfAnEarlierGroupOfTheSameNameAreReused() {
        assertEquals(
                new NextAction.CreateMember(0),
                withStorage(List.of(), Map.of(), THREE_CLAIMS, Optional.empty(), false, new FailoverSpec()));
    }

    @Test
    void withNoClaimLeftTheGroupStartsAgainEmpty() {
        assertEquals(
                new NextAction.CreatePrimary(0),
                withStorage(List.of(), Map.of(), List.of(), Optional.of("demo-0"), true, new FailoverSpec()));
    }

    @Test
    void aMemberThatCameBackFencedAfterThePrimaryWasChosenIsToldToFollowIt() {
        var pods = List.of(pod(0, "helper", false), pod(1, "primary", true), pod(2, "helper", true));
        var replicas = Map.of(
                "demo-0", status(0, Role.FENCED, 5, 10),
                "demo-1", status(1, Role.PRIMARY, 5, 12),
                "demo-2", status(2, Role.HELPER, 5, 12));
        assertEquals(
                new NextAction.Follow("demo-0", address(0), address(1), 5),
                withStorage(pods, replicas, THREE_CLAIMS, Optional.of("demo-1"), true, new FailoverSpec()));
    }

    @Test
    void duringAFailoverAMemberWhosePodIsGoneComesBackOnItsVolumeSoTheQuorumCanHearIt() {
        // demo-0 (the old primary) and demo-1 were deleted together; demo-2 alone cannot make the quorum.
        Observation obs = new Observation(List.of(pod(2, "helper", true)), Map.of(), NOW, THREE_CLAIMS);
        assertEquals(
                Optional.of(new NextAction.CreateMember(1)),
                NextAction.restoreDuringFailover(obs, Optional.of("demo-0")));
        // A pod still being deleted holds its name.
        Observation going = new Observation(
                List.of(Fixtures.terminating(1, "helper"), pod(2, "helper", true)), Map.of(), NOW, THREE_CLAIMS);
        assertEquals(Optional.empty(), NextAction.restoreDuringFailover(going, Optional.of("demo-0")));
    }
}
