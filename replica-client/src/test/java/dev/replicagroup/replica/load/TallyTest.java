package dev.replicagroup.replica.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.load.OpRecord.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pause measurement counts the stretch from the last acknowledged write to the end of the run. */
class TallyTest {

    @Test
    void runEndingInAnOutageReportsItsTailAsTheLongestPause() throws Exception {
        long start = System.nanoTime();
        Tally tally = new Tally(start, 1, true, true);
        tally.wrote(0, "k0", "v0", Outcome.OK, start, start + 1_000_000);
        tally.wrote(0, "k1", "v1", Outcome.UNKNOWN, start + 1_000_000, start + 2_000_000);
        Thread.sleep(300);
        tally.stop();
        LoadReport report = tally.report();
        assertTrue(report.longestPause().toMillis() >= 299, report.summary());
        assertEquals(report.longestPause(), report.sinceLastWrite());
        assertTrue(report.endedInOutage(Duration.ofMillis(250)));
        assertEquals(1, report.ok());
        assertEquals(1, report.errors());
        assertEquals(2, report.history().size());
    }

    @Test
    void writesUpToTheEndAreNoOutageAndLateAcknowledgementsAreOutsideTheRun() {
        long start = System.nanoTime() - 1_000_000_000L;
        Tally tally = new Tally(start, 1, false, true);
        tally.wrote(0, "k0", "v0", Outcome.OK, start, start + 100_000_000L);
        tally.wrote(0, "k1", "v1", Outcome.OK, start, start + 200_000_000L);
        tally.stop();
        // Acknowledged after the load was told to stop: no longer part of the measured run.
        tally.wrote(0, "k2", "v2", Outcome.OK, start, System.nanoTime() + 1_000_000_000L);
        LoadReport report = tally.report();
        assertTrue(report.sinceLastWrite().toMillis() >= 790, report.summary());
        assertFalse(report.endedInOutage(Duration.ofSeconds(5)));
        assertEquals(3, report.acknowledged().size(), "a late acknowledgement is still checked for loss");
        assertTrue(report.history().isEmpty(), "no history was asked for");
    }
}
