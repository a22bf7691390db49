package dev.replicagroup.replica.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.load.OpRecord.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories that do and do not hold a stale read (times in ns from the run's start). */
class StaleReadsTest {

    private static OpRecord put(String key, String value, boolean ok, long invoke, long complete) {
        return new OpRecord(0, OpRecord.WRITE, key, value, ok ? Outcome.OK : Outcome.UNKNOWN, invoke, complete);
    }

    private static OpRecord get(String key, String value, long invoke, long complete) {
        return new OpRecord(1, OpRecord.READ, key, value, Outcome.OK, invoke, complete);
    }

    @Test
    void readOfTheLatestAcknowledgedValueOrANewerOneIsFine() {
        List<OpRecord> history = List.of(
                put("k", "v1", true, 0, 10),
                put("k", "v2", true, 20, 30),
                get("k", "v2", 31, 40),
                // Concurrent with the write of v3: either value is linearizable.
                put("k", "v3", true, 50, 70),
                get("k", "v2", 55, 60),
                get("k", "v3", 56, 65));
        assertEquals(List.of(), StaleReads.find(history));
    }

    @Test
    void readOlderThanAnAcknowledgedWriteIsStale() {
        List<OpRecord> history =
                List.of(put("k", "v1", true, 0, 10), put("k", "v2", true, 20, 30), get("k", "v1", 35, 40));
        List<String> stale = StaleReads.find(history);
        assertEquals(1, stale.size(), String.valueOf(stale));
        assertTrue(stale.get(0).contains("returned v1") && stale.get(0).contains("v2 was acknowledged"), stale.get(0));
    }

    @Test
    void missingValueAfterAnAcknowledgedWriteIsStale() {
        // What a deposed primary answers for a key only the new primary has.
        List<OpRecord> history = List.of(put("a", "v0", true, 0, 10), get("a", null, 11, 12), get("b", null, 11, 12));
        assertEquals(1, StaleReads.find(history).size());
    }

    @Test
    void failedWritesNeitherMakeReadsStaleNorForbidTheirValue() {
        List<OpRecord> history = List.of(
                put("k", "v1", true, 0, 10),
                put("k", "v2", false, 20, 30),
                get("k", "v1", 35, 40),
                get("k", "v2", 41, 45),
                new OpRecord(1, OpRecord.READ, "k", null, Outcome.UNKNOWN, 46, 50));
        assertEquals(List.of(), StaleReads.find(history));
    }

    @Test
    void valuesWithoutAVersionAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> StaleReads.find(List.of(put("k", "hello", true, 0, 1), get("k", "hello", 2, 3))));
    }
}
