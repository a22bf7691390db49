package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's table, without a cluster (runs in every `./mvnw verify`). */
class SoakSummaryTest {

    private static SoakSummary.Fault fault(
            int index, SoakPlan.Kind kind, long writeMs, String failure, boolean healed) {
        return new SoakSummary.Fault(
                new SoakPlan.Step(index, kind, 0), writeMs, failure, healed, Duration.ofSeconds(30 + index));
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> sorted = List.of(10L, 20L, 30L, 40L);
        assertEquals(20, SoakSummary.percentile(sorted, 0.5));
        assertEquals(40, SoakSummary.percentile(sorted, 0.99));
        assertEquals(10, SoakSummary.percentile(List.of(10L), 0.5));
    }

    @Test
    void aRowPerKindThatRanWithItsFailuresAndARowOfAll() {
        SoakSummary summary = new SoakSummary();
        summary.add(fault(1, SoakPlan.Kind.POD_DELETED, 2000, null, true));
        summary.add(fault(2, SoakPlan.Kind.POD_DELETED, 3000, "java.lang.AssertionError: 3 writes lost", true));
        summary.add(fault(3, SoakPlan.Kind.SCALE, -1, null, true));
        summary.add(fault(4, SoakPlan.Kind.SWITCHOVER, 500, "timed out", false));
        String table = summary.table();
        assertTrue(table.contains("| pod-deleted | 2 | 2000 | 3000 | 1 | 0 |\n"), table);
        assertTrue(table.contains("| scale-down-up | 1 | - | - | 0 | 0 |\n"), table);
        assertTrue(table.contains("| switchover | 1 | 500 | 500 | 0 | 1 |\n"), table);
        assertTrue(table.contains("| all | 4 | 2000 | 3000 | 1 | 1 |\n"), table);
        assertTrue(!table.contains("jvm-killed"), "no row for a kind that did not run: " + table);
        assertTrue(table.contains("took p50 32.0 s, max 34.0 s; all 4 took 2.2 min."), table);
        assertEquals(
                List.of(2, 4),
                summary.failed().stream().map(f -> f.step().index()).toList());
        assertTrue(
                summary.lines()
                        .contains("fault=2 kind=pod-deleted write-ms=3000 healed=true took-ms=32000"
                                + " failed=java.lang.AssertionError: 3 writes lost\n"),
                summary.lines());
    }
}
