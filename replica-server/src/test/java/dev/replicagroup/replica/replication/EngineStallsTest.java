package dev.replicagroup.replica.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineStallsTest {
    private static final long MS = 1_000_000L;

    @Test
    void aGapOfAHeartbeatOrMoreIsAStallReportedAtOnceThenAtMostOncePerTenSeconds() {
        EngineStalls stalls = new EngineStalls("r", Duration.ofMillis(100), 0);
        stalls.ran(10 * MS);
        stalls.ran(99 * MS);
        assertEquals(0, stalls.unreported(), "ticks 10 and 89 ms apart: it ran");
        stalls.ran(400 * MS);
        assertEquals(0, stalls.unreported(), "the first stall is reported at once");
        stalls.ran(600 * MS);
        stalls.ran(2_000 * MS);
        assertEquals(2, stalls.unreported(), "within ten seconds of the report: counted for the next one");
        stalls.ran(10_500 * MS);
        assertEquals(0, stalls.unreported(), "ten seconds on, the next stall reports all three");
    }
}
