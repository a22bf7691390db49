package dev.replicagroup.operator.update;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.onRevision;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.primaryStatus;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.Fixtures;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rolling update's steps, from observations alone. The fixtures' pods run "rev1"; the target is "rev2". */
class RollingUpdatePlanTest {
    private static final String OLD = Fixtures.REVISION;
    private static final String NEW = "rev2";
    private static final UpdateTarget ROLLING = new UpdateTarget(NEW, false, false);

    private static PodView on(String revision, int ordinal, String role) {
        return onRevision(pod(ordinal, role, true), revision);
    }

    /** The primary at {@code primary} reports each helper this far behind. */
    private static Map<String, NodeStatus> lags(int primary, Map<Integer, Long> lagByOrdinal) {
        return Map.of("demo-" + primary, primaryStatus(primary, 1, 5000, lagByOrdinal));
    }

    private static RollingUpdatePlan.Step next(
            List<PodView> pods, Map<String, NodeStatus> replicas, String primary, UpdateTarget target) {
        return next(pods, replicas, primary, target, 3, 1, false, false);
    }

    private static RollingUpdatePlan.Step next(
            List<PodView> pods,
            Map<String, NodeStatus> replicas,
            String primary,
            UpdateTarget target,
            int wanted,
            int syncAcks,
            boolean storage,
            boolean failingOver) {
        return RollingUpdatePlan.next(new RollingUpdatePlan.Input(
                new Observation(pods, replicas, NOW),
                Optional.of(primary),
                target,
                wanted,
                syncAcks,
                storage,
                failingOver));
    }

    private static final List<PodView> ALL_OLD =
            List.of(on(OLD, 0, "primary"), on(OLD, 1, "helper"), on(OLD, 2, "helper"));
    private static final Map<String, NodeStatus> CAUGHT_UP = lags(0, Map.of(1, 0L, 2, 0L));

    @Test
    void nothingToDoWhenEveryMemberRunsTheTarget() {
        assertEquals(
                new RollingUpdatePlan.UpToDate(),
                next(ALL_OLD, CAUGHT_UP, "demo-0", new UpdateTarget(OLD, false, false)));
    }

    @Test
    void aStaleHelperGoesFirstNeverThePrimary() {
        var step = next(ALL_OLD, CAUGHT_UP, "demo-0", ROLLING);
        assertEquals(
                "demo-1",
                assertInstanceOf(RollingUpdatePlan.Replace.class, step).pod());
    }

    @Test
    void oneAtATimeTheNextWaitsUntilTheReplacementIsReadyAndCaughtUp() {
        // demo-1 is gone and demo-3 replaces it: while it starts, catches up or is missing, nothing else goes.
        var starting = List.of(on(OLD, 0, "primary"), on(OLD, 2, "helper"), onRevision(pod(3, "helper", false), NEW));
        assertInstanceOf(RollingUpdatePlan.Waiting.class, next(starting, lags(0, Map.of(2, 0L)), "demo-0", ROLLING));
        var ready = List.of(on(OLD, 0, "primary"), on(OLD, 2, "helper"), on(NEW, 3, "helper"));
        var behind = lags(0, Map.of(2, 0L, 3, 10_000L));
        var waiting = assertInstanceOf(RollingUpdatePlan.Waiting.class, next(ready, behind, "demo-0", ROLLING));
        assertTrue(waiting.why().contains("demo-3 is Ready and caught up"), waiting.why());
        var missing = List.of(on(OLD, 0, "primary"), on(OLD, 2, "helper"));
        assertInstanceOf(RollingUpdatePlan.Waiting.class, next(missing, CAUGHT_UP, "demo-0", ROLLING));
        var going =
                List.of(on(OLD, 0, "primary"), terminating(1, "helper"), on(OLD, 2, "helper"), on(NEW, 3, "helper"));
        assertInstanceOf(
                RollingUpdatePlan.Waiting.class,
                next(going, lags(0, Map.of(2, 0L, 3, 0L)), "demo-0", ROLLING, 3, 1, false, false));

        var caughtUp = lags(0, Map.of(2, 0L, 3, 5L));
        assertEquals(
                "demo-2",
                assertInstanceOf(RollingUpdatePlan.Replace.class, next(ready, caughtUp, "demo-0", ROLLING))
                        .pod());
    }

    @Test
    void thePrimaryGoesLastByOneSwitchoverToTheClosestUpdatedHelper() {
        var helpersDone = List.of(on(OLD, 0, "primary"), on(NEW, 1, "helper"), on(NEW, 2, "helper"));
        assertEquals(
                new RollingUpdatePlan.Switchover("demo-2"),
                next(helpersDone, lags(0, Map.of(1, 40L, 2, 3L)), "demo-0", ROLLING));
        // After the switchover demo-2 leads and demo-0, a helper of an older revision now, is replaced: no second
        // switchover.
        var switched = List.of(on(OLD, 0, "helper"), on(NEW, 1, "helper"), on(NEW, 2, "primary"));
        assertEquals(
                new RollingUpdatePlan.Replace(
                        "demo-0", "rolling update to revision rev2: one helper at a time, the primary last"),
                next(switched, lags(2, Map.of(0, 0L, 1, 0L)), "demo-2", ROLLING));
    }

    @Test
    void aMemberOnTheTargetRevisionIsNeverReplaced() {
        var mixed = List.of(on(OLD, 0, "primary"), on(NEW, 1, "helper"), on(OLD, 2, "helper"));
        assertEquals(
                "demo-2",
                assertInstanceOf(RollingUpdatePlan.Replace.class, next(mixed, CAUGHT_UP, "demo-0", ROLLING))
                        .pod());
    }

    @Test
    void aTemplateChangeMidwayRestartsTowardsTheNewRevisionAndStillSwitchesOverOnce() {
        // The helpers ran rev2 and the switchover had not happened when the template moved on to rev3: they are
        // stale again, replaced before the primary, and only then does the primary move, once, to a rev3 helper.
        UpdateTarget rev3 = new UpdateTarget("rev3", false, false);
        var helpersOnRev2 = List.of(on(OLD, 0, "primary"), on(NEW, 1, "helper"), on(NEW, 2, "helper"));
        assertEquals(
                "demo-1",
                assertInstanceOf(RollingUpdatePlan.Replace.class, next(helpersOnRev2, CAUGHT_UP, "demo-0", rev3))
                        .pod());
        var oneOnRev3 = List.of(on(OLD, 0, "primary"), on("rev3", 1, "helper"), on(NEW, 2, "helper"));
        assertEquals(
                "demo-2",
                assertInstanceOf(RollingUpdatePlan.Replace.class, next(oneOnRev3, CAUGHT_UP, "demo-0", rev3))
                        .pod());
        var helpersOnRev3 = List.of(on(OLD, 0, "primary"), on("rev3", 1, "helper"), on("rev3", 2, "helper"));
        assertInstanceOf(RollingUpdatePlan.Switchover.class, next(helpersOnRev3, CAUGHT_UP, "demo-0", rev3));
    }

    @Test
    void pausedAndOnDeleteHoldTheUpdate() {
        var paused = assertInstanceOf(
                RollingUpdatePlan.Held.class, next(ALL_OLD, CAUGHT_UP, "demo-0", new UpdateTarget(NEW, false, true)));
        assertEquals(RollingUpdatePlan.PAUSED, paused.reason());
        assertTrue(paused.why().startsWith("0 of 3 members run revision rev2"), paused.why());
        var onDelete = assertInstanceOf(
                RollingUpdatePlan.Held.class, next(ALL_OLD, CAUGHT_UP, "demo-0", new UpdateTarget(NEW, true, false)));
        assertEquals(RollingUpdatePlan.ON_DELETE, onDelete.reason());
    }

    @Test
    void aFailoverUnderWayBlocksIt() {
        assertInstanceOf(
                RollingUpdatePlan.Waiting.class, next(ALL_OLD, CAUGHT_UP, "demo-0", ROLLING, 3, 1, false, true));
    }

    @Test
    void aNotReadyPrimaryBlocksIt() {
        var pods = List.of(onRevision(pod(0, "primary", false), OLD), on(OLD, 1, "helper"), on(OLD, 2, "helper"));
        assertInstanceOf(RollingUpdatePlan.Waiting.class, next(pods, CAUGHT_UP, "demo-0", ROLLING));
    }

    @Test
    void neverBelowTheHelpersThePrimaryNeedsToServe() {
        // syncAcks 2 of 2 helpers: with one of them gone the primary would stop serving.
        var held = assertInstanceOf(
                RollingUpdatePlan.Held.class, next(ALL_OLD, CAUGHT_UP, "demo-0", ROLLING, 3, 2, false, false));
        assertEquals(RollingUpdatePlan.BLOCKED, held.reason());
        // Two replicas: the primary's lease needs its one helper, whatever syncAcks says.
        var two = List.of(on(OLD, 0, "primary"), on(OLD, 1, "helper"));
        assertInstanceOf(
                RollingUpdatePlan.Held.class, next(two, lags(0, Map.of(1, 0L)), "demo-0", ROLLING, 2, 0, false, false));
    }

    @Test
    void theOnlyReplicaIsReplacedWhenItsDataIsOnAVolumeAndHeldWhenItIsInMemory() {
        var alone = List.of(on(OLD, 0, "primary"));
        assertEquals(
                "demo-0",
                assertInstanceOf(
                                RollingUpdatePlan.Replace.class,
                                next(alone, Map.of(), "demo-0", ROLLING, 1, 0, true, false))
                        .pod());
        assertEquals(
                RollingUpdatePlan.BLOCKED,
                assertInstanceOf(
                                RollingUpdatePlan.Held.class,
                                next(alone, Map.of(), "demo-0", ROLLING, 1, 0, false, false))
                        .reason());
    }

    @Test
    void aPodFromBeforeRevisionsIsStale() {
        var unlabelled = new PodView(
                "demo-1",
                1,
                "helper",
                true,
                Optional.empty(),
                false,
                false,
                Optional.of(Fixtures.address(1)),
                Optional.empty());
        var pods = List.of(on(NEW, 0, "primary"), unlabelled, on(NEW, 2, "helper"));
        assertEquals(
                "demo-1",
                assertInstanceOf(RollingUpdatePlan.Replace.class, next(pods, CAUGHT_UP, "demo-0", ROLLING))
                        .pod());
    }
}
