package dev.replicagroup.operator.reconcile;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.contact;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.primaryStatus;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.Fixtures;
import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.operator.update.UpdateTarget;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The next action for a group without volumes: the first pods, helpers, failover, switchover, scale, update. */
class NextActionTest {
    private static NextAction.Action decide(
            List<PodView> pods,
            Map<String, NodeStatus> replicas,
            int replicas0,
            Optional<String> primary,
            Optional<String> switchover,
            FailoverSpec failover) {
        return NextAction.decide(new NextAction.Input(
                new Observation(pods, replicas, NOW),
                replicas0,
                1,
                failover,
                primary,
                true,
                Optional.empty(),
                switchover,
                Map.of(),
                3,
                false,
                Fixtures.UP_TO_DATE));
    }

    private static NextAction.Action decide(List<PodView> pods, int replicas, String primary) {
        return decide(pods, Map.of(), replicas, Optional.of(primary), Optional.empty(), new FailoverSpec());
    }

    @Test
    void theFirstPodIsThePrimary() {
        assertEquals(
                new NextAction.CreatePrimary(0),
                decide(List.of(), Map.of(), 3, Optional.empty(), Optional.empty(), new FailoverSpec()));
    }

    /**
     * A helper that learnt a newer term from a message naming no primary (it was cut off or paused while the
     * failover told the others) follows nobody and takes nothing: it is told whom to follow, as a fenced one is.
     * Found by the simulation (seed 665), where such a helper stayed empty for good.
     */
    @Test
    void aHelperThatFollowsNobodyWhileThePrimaryServesIsToldToFollowIt() {
        var pods = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        var replicas = Map.of(
                "demo-0", status(0, Role.PRIMARY, 3, 670),
                "demo-1", Fixtures.following(1, 3, 670, 0),
                "demo-2", status(2, Role.HELPER, 2, 0));
        assertEquals(
                new NextAction.Follow("demo-2", address(2), address(0), 3),
                decide(pods, replicas, 3, Optional.of("demo-0"), Optional.empty(), new FailoverSpec()));
    }

    /** What to do with these pods when status names no primary, in status term {@code term}. */
    private static NextAction.Action noPrimaryRecorded(List<PodView> pods, long term) {
        return NextAction.decide(new NextAction.Input(
                new Observation(pods, Map.of(), NOW),
                3,
                1,
                new FailoverSpec(),
                Optional.empty(),
                false,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                term,
                false,
                Fixtures.UP_TO_DATE));
    }

    /** The pass that created the first pod failed before its status write (a conflict, an operator restart). */
    @Test
    void aFirstPrimaryPodThatStatusDoesNotNameIsAdoptedNotWaitedForForEver() {
        assertEquals(
                new NextAction.AdoptFirstPrimary("demo-0"), noPrimaryRecorded(List.of(pod(0, "primary", false)), 0));
        // Anything else may hold data or be a helper: nothing is guessed.
        assertInstanceOf(NextAction.Wait.class, noPrimaryRecorded(List.of(pod(0, "primary", true)), 2));
        assertInstanceOf(NextAction.Wait.class, noPrimaryRecorded(List.of(pod(1, "primary", true)), 0));
        assertInstanceOf(NextAction.Wait.class, noPrimaryRecorded(List.of(pod(0, "helper", true)), 0));
        assertInstanceOf(
                NextAction.Wait.class, noPrimaryRecorded(List.of(pod(0, "primary", true), pod(1, "helper", true)), 0));
        assertInstanceOf(NextAction.Wait.class, noPrimaryRecorded(List.of(terminating(0, "primary")), 0));
    }

    @Test
    void helpersJoinTheCurrentPrimary() {
        assertEquals(new NextAction.CreateHelper(1, address(0)), decide(List.of(pod(0, "primary", true)), 3, "demo-0"));
        // After a failover demo-2 is primary: the replacement for demo-0 joins demo-2.
        assertEquals(
                new NextAction.CreateHelper(0, address(2)),
                decide(List.of(pod(1, "helper", true), pod(2, "primary", true)), 3, "demo-2"));
    }

    @Test
    void noHelperIsStartedBeforeThePrimaryServes() {
        var pods = List.of(Fixtures.startingPrimary(0));
        var action = NextAction.decide(new NextAction.Input(
                new Observation(pods, Map.of(), NOW),
                3,
                1,
                new FailoverSpec(),
                Optional.of("demo-0"),
                false,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                3,
                false,
                Fixtures.UP_TO_DATE));
        assertInstanceOf(NextAction.Wait.class, action);
    }

    @Test
    void scaleDownRemovesAHelper() {
        var action =
                decide(List.of(pod(0, "helper", true), pod(1, "primary", true), pod(2, "helper", true)), 1, "demo-1");
        assertEquals(new NextAction.RemovePod("demo-2", true, "scale down to 1"), action);
    }

    @Test
    void aGonePrimaryWithHelpersStartsAFailover() {
        var action = decide(List.of(pod(1, "helper", true), pod(2, "helper", true)), 3, "demo-0");
        assertEquals(new NextAction.StartFailover("primary pod demo-0 no longer exists", Optional.empty()), action);
    }

    @Test
    void aGonePrimarysAddressIsTheOneMostOfItsHelpersLastFollowed() {
        var pods = List.of(pod(1, "helper", true), pod(2, "helper", true), pod(3, "helper", true));
        var reports = Map.of(
                "demo-1",
                contact(1, 3, 0, 900, false),
                "demo-2",
                contact(2, 3, 0, 900, false),
                "demo-3",
                contact(3, 3, 5, 900, false));
        assertEquals(
                new NextAction.StartFailover("primary pod demo-0 no longer exists", Optional.of(address(0))),
                decide(pods, reports, 4, Optional.of("demo-0"), Optional.empty(), new FailoverSpec()));
        // With its pod still there, the pod's address is the one.
        assertEquals(
                Optional.of(address(0)),
                NextAction.primaryAddress(
                        new Observation(List.of(pod(0, "primary", true)), Map.of(), NOW), "demo-0", 3));
    }

    @Test
    void withFailoverDisabledAGonePrimaryIsOnlyReported() {
        FailoverSpec off = new FailoverSpec();
        off.setEnabled(false);
        var action = decide(List.of(pod(1, "helper", true)), Map.of(), 2, Optional.of("demo-0"), Optional.empty(), off);
        assertInstanceOf(NextAction.Wait.class, action);
    }

    @Test
    void aLonePrimaryThatIsDeletedIsRecreated() {
        assertEquals(new NextAction.CreatePrimary(0), decide(List.of(), 1, "demo-0"));
    }

    @Test
    void aLonePrimaryWhosePodFailedIsRemovedThenRecreated() {
        PodView failed = new PodView(
                "demo-0",
                0,
                "primary",
                false,
                Optional.empty(),
                false,
                true,
                Optional.of(address(0)),
                Optional.of(Fixtures.REVISION));
        assertEquals(
                new NextAction.RemovePod(
                        "demo-0", false, "primary pod failed and no helper holds its data; a new primary replaces it"),
                decide(List.of(failed), 1, "demo-0"));
    }

    @Test
    void aSwitchoverWaitsUntilTheTargetCaughtUp() {
        var pods = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        var behind = Map.of("demo-0", primaryStatus(0, 1, 5000, Map.of(1, 0L, 2, Observation.SWITCHOVER_MAX_LAG + 1)));
        assertInstanceOf(
                NextAction.Wait.class,
                decide(pods, behind, 3, Optional.of("demo-0"), Optional.of("demo-2"), new FailoverSpec()));
        // A few entries behind under load is close enough: the hand-over lets the target catch up.
        var caughtUp = Map.of("demo-0", primaryStatus(0, 1, 5000, Map.of(1, 0L, 2, 3L)));
        assertEquals(
                new NextAction.StartSwitchover("demo-2", Optional.of(address(0)), Optional.empty()),
                decide(pods, caughtUp, 3, Optional.of("demo-0"), Optional.of("demo-2"), new FailoverSpec()));
    }

    @Test
    void aSwitchoverToTheCurrentPrimaryOrAStrangerIsDropped() {
        var pods = List.of(pod(0, "primary", true), pod(1, "helper", true));
        var replicas = Map.of("demo-1", status(1, Role.HELPER, 1, 1));
        assertEquals(
                new NextAction.DropSwitchover("demo-0 is already the primary", false),
                decide(pods, replicas, 2, Optional.of("demo-0"), Optional.of("demo-0"), new FailoverSpec()));
        var stranger = decide(pods, replicas, 2, Optional.of("demo-0"), Optional.of("other-1"), new FailoverSpec());
        assertEquals(true, ((NextAction.DropSwitchover) stranger).warning());
    }

    private static NextAction.Action updating(List<PodView> pods, Map<String, NodeStatus> replicas, int wanted) {
        return NextAction.decide(new NextAction.Input(
                new Observation(pods, replicas, NOW),
                wanted,
                1,
                new FailoverSpec(),
                Optional.of("demo-0"),
                true,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                3,
                false,
                new UpdateTarget("rev2", false, false)));
    }

    @Test
    void aRollingUpdateReplacesStaleHelpersThenSwitchesOverForTheRevision() {
        var caughtUp = Map.of("demo-0", primaryStatus(0, 1, 5000, Map.of(1, 0L, 2, 0L)));
        var allOld = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        assertEquals(
                new NextAction.ReplaceStale(
                        "demo-1", "rev2", "rolling update to revision rev2: one helper at a time, the primary last"),
                updating(allOld, caughtUp, 3));
        var helpersDone = List.of(
                pod(0, "primary", true),
                Fixtures.onRevision(pod(1, "helper", true), "rev2"),
                Fixtures.onRevision(pod(2, "helper", true), "rev2"));
        assertEquals(
                new NextAction.StartSwitchover("demo-1", Optional.of(address(0)), Optional.of("rev2")),
                updating(helpersDone, caughtUp, 3));
    }

    @Test
    void scalingGoesBeforeTheRollingUpdate() {
        var caughtUp = Map.of("demo-0", primaryStatus(0, 1, 5000, Map.of(1, 0L, 2, 0L)));
        var allOld = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        assertEquals(new NextAction.CreateHelper(3, address(0)), updating(allOld, caughtUp, 4));
        assertInstanceOf(NextAction.RemovePod.class, updating(allOld, caughtUp, 2));
    }

    @Test
    void aPrimaryItsHelpersLostIsFailedOverThoughTheKubeletSeesItReady() {
        var pods = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        var lost = Map.of("demo-1", contact(1, 3, 0, 1100, true), "demo-2", contact(2, 3, 0, 1300, true));
        assertInstanceOf(
                NextAction.StartFailover.class,
                decide(pods, lost, 3, Optional.of("demo-0"), Optional.empty(), new FailoverSpec()));
    }
}
