package dev.replicagroup.operator.replicas;

import static dev.replicagroup.operator.Fixtures.contact;
import static dev.replicagroup.operator.Fixtures.following;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.status.NodeStatus;
import org.junit.jupiter.api.Test;

class WatchStateTest {
    private static final long MS = 1_000_000;
    /** Keepalive 250 ms: a status is fresh for 500 ms. */
    private static final long KEEPALIVE = 250 * MS;

    private static final NodeStatus HELPER = following(1, 3, 5, 0);

    @Test
    void aStatusIsFreshForTwoKeepalives() {
        WatchState s = WatchState.opened(0).received(HELPER, 100 * MS);
        assertEquals(new Pushed.Fresh(HELPER), s.view(600 * MS, KEEPALIVE));
        assertEquals(new Pushed.Silent("no status on its watch for 501 ms"), s.view(601 * MS, KEEPALIVE));
    }

    @Test
    void aNewStreamIsAskedDirectlyUntilItsSilenceMeansSomething() {
        WatchState s = WatchState.opened(0);
        assertInstanceOf(Pushed.Unknown.class, s.view(500 * MS, KEEPALIVE));
        assertInstanceOf(Pushed.Silent.class, s.view(501 * MS, KEEPALIVE));
    }

    @Test
    void anEndedStreamIsNotAnsweringAtOnceAndItsReopeningIsNotAskedAgain() {
        WatchState ended = WatchState.opened(0).endedBecause("connection refused");
        assertEquals(new Pushed.Silent("its watch ended: connection refused"), ended.view(1 * MS, KEEPALIVE));
        // Reopened after a failure: a Status call would only wait for its deadline, so silence still counts.
        assertInstanceOf(Pushed.Silent.class, ended.reopened(200 * MS).view(201 * MS, KEEPALIVE));
        WatchState spoke = WatchState.opened(0).received(HELPER, 10 * MS).endedBecause("shutting down");
        assertInstanceOf(Pushed.Silent.class, spoke.view(20 * MS, KEEPALIVE));
    }

    @Test
    void reconnectsBackOffFrom100MsTo2sAndResetOnceAStreamSpeaks() {
        WatchState s = WatchState.opened(0);
        assertEquals(100, s.backoffMillis());
        s = s.endedBecause("x");
        assertEquals(200, s.backoffMillis());
        for (int i = 0; i < 10; i++) {
            s = s.reopened(0).endedBecause("x");
        }
        assertEquals(2000, s.backoffMillis());
        s = s.reopened(0).received(HELPER, 1).endedBecause("x");
        assertEquals(100, s.backoffMillis());
    }

    @Test
    void onlyChangesAFailoverDecidesOnWakeTheReconciler() {
        WatchState s = WatchState.opened(0).received(contact(1, 3, 0, 100, false), 1);
        assertFalse(s.relevant(contact(1, 3, 0, 200, false)), "a keepalive with a larger contact age");
        assertTrue(s.relevant(contact(1, 3, 0, 1100, true)), "the helper lost its primary");
        assertTrue(s.relevant(contact(1, 4, 0, 100, false)), "a new term");
        assertTrue(WatchState.opened(0).relevant(HELPER), "the first status");
        assertTrue(s.reopened(5).relevant(contact(1, 3, 0, 100, false)), "the first status after a reconnect");
    }

    @Test
    void anOpenStreamSilentForFiveKeepalivesIsReopened() {
        WatchState s = WatchState.opened(0).received(HELPER, 0);
        assertFalse(s.stale(1250 * MS, KEEPALIVE));
        assertTrue(s.stale(1251 * MS, KEEPALIVE));
        assertFalse(s.endedBecause("x").stale(5000 * MS, KEEPALIVE), "an ended stream waits for its reconnect");
    }
}
