package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The recovery measurement, without a cluster (runs in every `./mvnw verify`). */
class RecoveryTest {
    private static final long MS = 1_000_000;

    @Test
    void endOfTheLongestGapAfterTheFaultIsTheRecovery() {
        // Writes every 10 ms, the fault at 100 ms, the old primary still acknowledges at 105 and 110 ms
        // (a deleted pod serves until it is stopped), then nothing until 1600 ms.
        long[] completions = {90 * MS, 100 * MS, 105 * MS, 110 * MS, 1600 * MS, 1610 * MS, 1620 * MS};
        Recovery recovery = Recovery.measure(100 * MS, completions);
        assertEquals(Duration.ofMillis(1500), recovery.faultToFirstWrite());
        assertEquals(Duration.ofMillis(1490), recovery.outage());
    }

    @Test
    void noWriteAfterTheFaultIsNoRecovery() {
        assertFalse(Recovery.measure(100 * MS, new long[] {50 * MS, 90 * MS}).recovered());
    }
}
