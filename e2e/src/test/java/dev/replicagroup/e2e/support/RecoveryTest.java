package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.OpRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    void acknowledgementsAfterTheLoadStoppedAreNotTheRecovery() {
        // Fault at 100 ms, writes again at 600 ms, the load stopped at 1000 ms; a write in flight then completes
        // at 6000 ms: the outage is the 500 ms to the recovery, not the stretch before that late write.
        List<OpRecord> history = List.of(put(90), put(600), put(700), put(990), put(6000));
        LoadReport report = new LoadReport(
                5, 0, 0, 0, Duration.ofSeconds(1), 0, 0, 0, Duration.ZERO, Duration.ZERO, Map.of(), history, 0);
        Recovery recovery = new LoadRun.Result(report).recoveryAfter(100 * MS);
        assertEquals(Duration.ofMillis(500), recovery.faultToFirstWrite());
    }

    private static OpRecord put(long completeMs) {
        return new OpRecord(
                0,
                OpRecord.WRITE,
                "k" + completeMs,
                "v" + completeMs,
                OpRecord.Outcome.OK,
                completeMs * MS - MS,
                completeMs * MS);
    }

    @Test
    void noWriteAfterTheFaultIsNoRecovery() {
        assertFalse(Recovery.measure(100 * MS, new long[] {50 * MS, 90 * MS}).recovered());
    }
}
