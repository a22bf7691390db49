package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The soak's plan, without a cluster (runs in every `./mvnw verify`). */
class SoakPlanTest {

    private static Map<SoakPlan.Kind, Long> counts(SoakPlan plan) {
        return plan.steps().stream().collect(Collectors.groupingBy(SoakPlan.Step::kind, Collectors.counting()));
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOrder() {
        assertEquals(SoakPlan.of(42, 100), SoakPlan.of(42, 100));
        assertNotEquals(SoakPlan.of(42, 100).steps(), SoakPlan.of(43, 100).steps());
    }

    @Test
    void nineFaultsAreOneOfEachKindButTheOperatorsGone() {
        SoakPlan plan = SoakPlan.of(7, SoakPlan.ONE_OF_EACH);
        EnumSet<SoakPlan.Kind> expected = EnumSet.allOf(SoakPlan.Kind.class);
        expected.remove(SoakPlan.Kind.OPERATORS_GONE);
        assertEquals(expected.stream().collect(Collectors.toMap(Function.identity(), k -> 1L)), counts(plan));
        assertEquals(
                List.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
                plan.steps().stream().map(SoakPlan.Step::index).toList());
    }

    @Test
    void aHundredFaultsKillTheLeaderTwentyTimesAndTheOperatorsGoOnce() {
        Map<SoakPlan.Kind, Long> counts = counts(SoakPlan.of(1, 100));
        assertEquals(100, counts.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(10L, counts.get(SoakPlan.Kind.LEADER_KILLED));
        assertEquals(10L, counts.get(SoakPlan.Kind.LEADER_KILLED_SWITCHOVER));
        assertEquals(1L, counts.get(SoakPlan.Kind.OPERATORS_GONE));
        counts.forEach((kind, n) ->
                assertTrue(kind == SoakPlan.Kind.OPERATORS_GONE || n >= 10, kind + " ran " + n + " times of 100"));
    }

    @Test
    void anySoakLongerThanTheShortOneTakesTheOperatorsAwayOnce() {
        assertEquals(1L, counts(SoakPlan.of(1, SoakPlan.ONE_OF_EACH + 1)).get(SoakPlan.Kind.OPERATORS_GONE));
    }

    @Test
    void leaderKillsComeAtRandomPointsWithinTheWindowOthersAtNone() {
        List<SoakPlan.Step> steps = SoakPlan.of(3, 100).steps();
        List<Integer> kills = steps.stream()
                .filter(s ->
                        s.kind() == SoakPlan.Kind.LEADER_KILLED || s.kind() == SoakPlan.Kind.LEADER_KILLED_SWITCHOVER)
                .map(SoakPlan.Step::killAfterMs)
                .toList();
        assertTrue(kills.stream().allMatch(ms -> ms >= 0 && ms < SoakPlan.KILL_WINDOW_MS), kills.toString());
        assertTrue(kills.stream().distinct().count() > 10, "the kill points differ: " + kills);
        assertTrue(steps.stream()
                .filter(s ->
                        s.kind() != SoakPlan.Kind.LEADER_KILLED && s.kind() != SoakPlan.Kind.LEADER_KILLED_SWITCHOVER)
                .allMatch(s -> s.killAfterMs() == 0));
    }

    @Test
    void noFaultsIsRefusedWithWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoakPlan.of(1, 0));
        assertTrue(e.getMessage().contains("FAULTS=9"), e.getMessage());
    }

    @Test
    void theReplayNamesSeedAndCount() {
        assertEquals("make soak SEED=5 FAULTS=16", SoakPlan.of(5, 16).replay());
    }
}
