package dev.replicagroup.operator.ha;

import static dev.replicagroup.operator.ha.LeaseRules.Step.STEP_DOWN;
import static dev.replicagroup.operator.ha.LeaseRules.Step.WAIT;
import static dev.replicagroup.operator.ha.LeaseRules.Step.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The elector's rules, on a clock in milliseconds (as nanos): lease 3 s, deadline 2 s, renew 1 s, retry 250 ms. */
class LeaseRulesTest {
    private static final long MS = 1_000_000;
    private static final LeaseRules.Timing TIMING = new LeaseRules.Timing(
            Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(250));

    private static LeaseRules.Self standby() {
        return new LeaseRules.Self("me", false, 0, Long.MIN_VALUE, false);
    }

    private static LeaseRules.Self leader(long renewedMs, long attemptMs, boolean writing) {
        return new LeaseRules.Self("me", true, renewedMs * MS, attemptMs * MS, writing);
    }

    private static LeaseRules.Seen held(String holder, long seenMs) {
        return new LeaseRules.Seen(holder, 3000, seenMs * MS);
    }

    @Test
    void aStandbyWaitsOutTheLeaseFromWhenItSawTheLastRenewal() {
        assertEquals(WAIT, LeaseRules.next(held("other", 1000), standby(), TIMING, 3999 * MS));
        assertEquals(WRITE, LeaseRules.next(held("other", 1000), standby(), TIMING, 4000 * MS));
    }

    @Test
    void theDurationItsHolderWroteCountsNotOurs() {
        LeaseRules.Seen released = new LeaseRules.Seen("other", 1000, 0);
        assertEquals(WRITE, LeaseRules.next(released, standby(), TIMING, 1000 * MS));
        LeaseRules.Seen longer = new LeaseRules.Seen("other", 10_000, 0);
        assertEquals(WAIT, LeaseRules.next(longer, standby(), TIMING, 9999 * MS));
        LeaseRules.Seen none = new LeaseRules.Seen("other", 0, 0);
        assertEquals(WRITE, LeaseRules.next(none, standby(), TIMING, 3000 * MS));
    }

    @Test
    void noLeaseAReleasedOneOrOurOwnFromBeforeARestartIsTakenAtOnce() {
        assertEquals(WRITE, LeaseRules.next(null, standby(), TIMING, 0));
        assertEquals(WRITE, LeaseRules.next(held("", 0), standby(), TIMING, 1));
        assertEquals(WRITE, LeaseRules.next(held("me", 0), standby(), TIMING, 1));
    }

    @Test
    void aFailedTakeoverIsTriedAgainAfterTheRetryPeriodAndNotWhileAWriteRuns() {
        LeaseRules.Seen free = held("", 0);
        LeaseRules.Self tried = new LeaseRules.Self("me", false, 0, 100 * MS, false);
        assertEquals(WAIT, LeaseRules.next(free, tried, TIMING, 349 * MS));
        assertEquals(WRITE, LeaseRules.next(free, tried, TIMING, 350 * MS));
        LeaseRules.Self writing = new LeaseRules.Self("me", false, 0, 100 * MS, true);
        assertEquals(WAIT, LeaseRules.next(free, writing, TIMING, 5000 * MS));
    }

    @Test
    void theLeaderRenewsOnceARenewPeriod() {
        LeaseRules.Seen mine = held("me", 1000);
        assertEquals(WAIT, LeaseRules.next(mine, leader(1000, 1000, false), TIMING, 1999 * MS));
        assertEquals(WRITE, LeaseRules.next(mine, leader(1000, 1000, false), TIMING, 2000 * MS));
        // A failed renewal at 2000 is tried again at 2250, not at every check.
        assertEquals(WAIT, LeaseRules.next(mine, leader(1000, 2000, false), TIMING, 2200 * MS));
        assertEquals(WRITE, LeaseRules.next(mine, leader(1000, 2000, false), TIMING, 2250 * MS));
    }

    @Test
    void theLeaderStepsDownAtItsRenewDeadlineEvenWhileAWriteHangs() {
        LeaseRules.Seen mine = held("me", 1000);
        assertEquals(WAIT, LeaseRules.next(mine, leader(1000, 2000, true), TIMING, 2999 * MS));
        assertEquals(STEP_DOWN, LeaseRules.next(mine, leader(1000, 2000, true), TIMING, 3000 * MS));
    }

    @Test
    void theLeaderStepsDownWhenAnotherHoldsTheLease() {
        assertEquals(STEP_DOWN, LeaseRules.next(held("other", 1500), leader(1000, 1000, false), TIMING, 1500 * MS));
        // Released (by an operator that thought it led): not another holder; the renewal decides.
        assertEquals(WAIT, LeaseRules.next(held("", 1500), leader(1000, 1000, false), TIMING, 1500 * MS));
    }

    @Test
    void timingThatCouldMakeTwoLeadersIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new LeaseRules.Timing(
                        Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(250)));
        assertTrue(e.getMessage().contains("renew-deadline (PT2S) < lease-duration (PT2S) must hold"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new LeaseRules.Timing(
                        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }
}
