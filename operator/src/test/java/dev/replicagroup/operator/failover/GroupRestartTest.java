package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.ClaimView;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Three members, syncAcks 1: two of them with their data must answer. The restart's term is 5. */
class GroupRestartTest {
    private static final long TERM = 5;

    /** A member fenced in the restart's term, holding its log up to (lastTerm, seq); (0, 0) is empty. */
    private static NodeStatus fenced(int ordinal, long lastTerm, long seq) {
        return new NodeStatus(
                address(ordinal),
                Role.FENCED,
                TERM,
                new LogPosition(lastTerm, seq),
                seq,
                lastTerm,
                seq,
                "",
                List.of(),
                List.of(),
                1,
                false,
                1_000L * ordinal,
                "",
                NodeStatus.Timing.unknown());
    }

    private static final NodeStatus EMPTY_0 = fenced(0, 0, 0);

    private static List<PodView> pods(int... ordinals) {
        return Arrays.stream(ordinals).mapToObj(o -> pod(o, "helper", false)).toList();
    }

    private static List<ClaimView> claims(int... ordinals) {
        return Arrays.stream(ordinals)
                .mapToObj(o -> new ClaimView("demo-" + o, o, false))
                .toList();
    }

    private static GroupRestart.Choice choose(
            List<PodView> pods, Map<String, NodeStatus> replicas, List<ClaimView> claims) {
        return GroupRestart.choose(TERM, new Observation(pods, replicas, NOW, claims), 3, 1, Map.of());
    }

    private static String waitsBecause(GroupRestart.Choice choice) {
        return assertInstanceOf(GroupRestart.Choice.Wait.class, choice).why();
    }

    @Test
    void everyMemberWithItsDataThenTheMostAdvancedIsPromotedTheLastPrimaryToo() {
        assertEquals(
                new GroupRestart.Choice.Promote("demo-0"),
                choose(
                        pods(0, 1, 2),
                        Map.of("demo-0", fenced(0, 4, 12), "demo-1", fenced(1, 4, 11), "demo-2", fenced(2, 4, 12)),
                        claims(0, 1, 2)));
    }

    @Test
    void aQuorumOfMembersWithDataIsEnough() {
        assertEquals(
                new GroupRestart.Choice.Promote("demo-2"),
                choose(pods(0, 1, 2), Map.of("demo-0", fenced(0, 4, 10), "demo-2", fenced(2, 4, 12)), claims(0, 1, 2)));
    }

    @Test
    void onlyAMinorityAnsweredSoItWaitsAndSaysForWhom() {
        String why = waitsBecause(choose(pods(0, 1, 2), Map.of("demo-1", fenced(1, 4, 12)), claims(0, 1, 2)));
        assertTrue(why.contains("1 of 3 members answered with their data (demo-1 (4, 12))"), why);
        assertTrue(why.contains("2 must"), why);
        assertTrue(why.contains("waiting for demo-0, demo-2"), why);
    }

    @Test
    void aMemberThatLostItsClaimDoesNotCountSoTheOthersWithDataMustAnswer() {
        // demo-1's claim was deleted: it came back empty, and what it acked is gone; demo-2 may hold it alone.
        var replicas = new HashMap<>(Map.of("demo-0", fenced(0, 4, 10), "demo-1", fenced(1, 0, 0)));
        String why = waitsBecause(choose(pods(0, 1, 2), replicas, claims(0, 1, 2)));
        assertTrue(why.contains("waiting for demo-2"), why);
        assertTrue(why.contains("demo-1 came back empty"), why);
        replicas.put("demo-2", fenced(2, 4, 9));
        assertEquals(new GroupRestart.Choice.Promote("demo-0"), choose(pods(0, 1, 2), replicas, claims(0, 1, 2)));
    }

    @Test
    void anEmptyMemberIsNeverPromotedWhileAMemberThatMayHoldDataHasNotAnswered() {
        // demo-0 and demo-1 came back empty; demo-2 has no pod yet but its claim exists.
        String why =
                waitsBecause(choose(pods(0, 1), Map.of("demo-0", EMPTY_0, "demo-1", fenced(1, 0, 0)), claims(0, 1, 2)));
        assertTrue(why.contains("waiting for demo-2"), why);
        // An empty member with a higher ordinal (or any) loses to those with data.
        assertEquals(
                new GroupRestart.Choice.Promote("demo-1"),
                choose(
                        pods(0, 1, 2),
                        Map.of("demo-0", fenced(0, 4, 8), "demo-1", fenced(1, 4, 10), "demo-2", fenced(2, 0, 0)),
                        claims(0, 1, 2)));
    }

    @Test
    void membersOfDifferentTermsTheHigherTermWinsOverMoreEntries() {
        assertEquals(
                new GroupRestart.Choice.Promote("demo-1"),
                choose(pods(0, 1, 2), Map.of("demo-0", fenced(0, 3, 50), "demo-1", fenced(1, 4, 2)), claims(0, 1, 2)));
    }

    @Test
    void onceEveryMemberAnsweredNobodyIsLeftToWaitFor() {
        // Only demo-0 kept its data: below the count, but waiting would gain nothing.
        assertEquals(
                new GroupRestart.Choice.Promote("demo-0"),
                choose(
                        pods(0, 1, 2),
                        Map.of("demo-0", fenced(0, 4, 8), "demo-1", fenced(1, 0, 0), "demo-2", fenced(2, 0, 0)),
                        claims(0)));
        // All empty: any one loses nothing; the oldest.
        assertEquals(
                new GroupRestart.Choice.Promote("demo-0"),
                choose(
                        pods(0, 1, 2),
                        Map.of("demo-0", EMPTY_0, "demo-1", fenced(1, 0, 0), "demo-2", fenced(2, 0, 0)),
                        List.of()));
    }

    @Test
    void aMemberNotYetFencedInTheRestartsTermIsFencedBeforeAnyChoice() {
        Failover restart = failover(FailoverStep.Select, null, null, TERM);
        restart.setRestart(true);
        NodeStatus unfenced = new NodeStatus(
                address(2),
                Role.FENCED,
                4,
                new LogPosition(4, 12),
                12,
                4,
                12,
                "",
                List.of(),
                List.of(),
                1,
                false,
                2_000L,
                "",
                NodeStatus.Timing.unknown());
        Observation obs = new Observation(
                pods(0, 1, 2),
                Map.of("demo-0", fenced(0, 4, 10), "demo-1", fenced(1, 4, 10), "demo-2", unfenced),
                NOW,
                claims(0, 1, 2));
        FailoverPlanner.Context ctx = new FailoverPlanner.Context(TERM, 2, 1, Map.of(), 500, 200);
        assertEquals(
                new FailoverAction.Fence(null, List.of(new FailoverAction.Replica("demo-2", address(2))), TERM),
                FailoverPlanner.next(restart, obs, ctx));
        Observation fencedAll = obs.withAnswers(Map.of("demo-2", fenced(2, 4, 12)));
        assertEquals(new FailoverAction.Choose("demo-2"), FailoverPlanner.next(restart, fencedAll, ctx));
    }

    @Test
    void aRestartReplacesNobodyWhenItFinishesEveryOtherMemberFollows() {
        Failover restart = failover(FailoverStep.Verify, null, "demo-1", TERM);
        restart.setRestart(true);
        NodeStatus primary = new NodeStatus(
                address(1),
                Role.PRIMARY,
                TERM,
                new LogPosition(4, 12),
                12,
                4,
                12,
                address(1),
                List.of(),
                List.of(),
                1,
                true,
                1_000L,
                "",
                NodeStatus.Timing.unknown());
        Observation obs = new Observation(
                pods(0, 1, 2),
                Map.of("demo-0", fenced(0, 4, 10), "demo-1", primary, "demo-2", fenced(2, 0, 0)),
                NOW,
                claims(0, 1, 2));
        assertEquals(
                new FailoverAction.Finish(
                        "demo-1",
                        address(1),
                        List.of(),
                        List.of(
                                new FailoverAction.Replica("demo-0", address(0)),
                                new FailoverAction.Replica("demo-2", address(2)))),
                FailoverPlanner.next(restart, obs, new FailoverPlanner.Context(TERM, 2, 1, Map.of(), 500, 200)));
    }
}
