package dev.replicagroup.replica.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseHoldoffTest {
    static final long LEASE = 500;
    static final long DRIFT = 200;

    @Test
    void helpersThatLostThePrimaryLongEnoughAgoNeedNoWait() {
        assertEquals(0, LeaseHoldoff.millis(false, 0, List.of(1200L, 1100L), 2, 1, LEASE, DRIFT));
    }

    @Test
    void theQuorumThLongestSilenceBoundsWhatIsLeftOfTheOldLease() {
        // helpers 2, syncAcks 1: both must have been silent; the shorter silence (300 ms) counts.
        assertEquals(400, LeaseHoldoff.millis(false, 0, List.of(1200L, 300L), 2, 1, LEASE, DRIFT));
        // helpers 4, syncAcks 2: three must; the third longest counts.
        assertEquals(100, LeaseHoldoff.millis(false, 0, List.of(900L, 50L, 800L, 600L), 4, 2, LEASE, DRIFT));
    }

    @Test
    void tooFewHelpersOrUnknownAgesWaitTheWholeLease() {
        assertEquals(LEASE + DRIFT, LeaseHoldoff.millis(false, 0, List.of(5000L), 2, 1, LEASE, DRIFT));
        assertEquals(LEASE + DRIFT, LeaseHoldoff.millis(false, 0, List.of(-1L, -1L), 2, 1, LEASE, DRIFT));
    }

    @Test
    void aFencedOldPrimaryPassesOnWhatWasLeftOfItsOwnHoldOff() {
        assertEquals(0, LeaseHoldoff.millis(true, 0, List.of(), 2, 1, LEASE, DRIFT));
        assertEquals(
                460,
                LeaseHoldoff.millis(true, 460, List.of(0L, 0L), 2, 1, LEASE, DRIFT),
                "fenced while it waited: the primary before it may still serve");
    }
}
