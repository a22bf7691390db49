package dev.replicagroup.operator.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeadershipTest {

    @Test
    void aListenerRegisteredAfterTheWinRunsAtOnceAndOneBeforeItRunsOnTheWin() {
        Leadership leadership = new Leadership(true);
        AtomicInteger early = new AtomicInteger();
        leadership.onLeading(early::incrementAndGet);
        assertFalse(leadership.leads());
        assertEquals(0, early.get());
        leadership.lead();
        assertTrue(leadership.leads());
        assertEquals(1, early.get());
        AtomicInteger late = new AtomicInteger();
        leadership.onLeading(late::incrementAndGet);
        assertEquals(1, late.get(), "registered after the win: run at once");
        leadership.stop();
        assertFalse(leadership.leads());
    }

    @Test
    void withoutElectionItAlwaysLeadsAndNoListenerRuns() {
        Leadership leadership = new Leadership(false);
        AtomicInteger runs = new AtomicInteger();
        leadership.onLeading(runs::incrementAndGet);
        assertTrue(leadership.leads());
        assertEquals(0, runs.get());
    }
}
