package dev.replicagroup.replica.core;

import static dev.replicagroup.replica.core.ReplicaStateTest.H1;
import static dev.replicagroup.replica.core.ReplicaStateTest.H2;
import static dev.replicagroup.replica.core.ReplicaStateTest.P;
import static dev.replicagroup.replica.core.ReplicaStateTest.put;
import static dev.replicagroup.replica.core.ReplicaStateTest.sync;
import static dev.replicagroup.replica.core.ReplicaStateTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the state reports to be made durable, and how a replica comes back from what was made durable. */
class DurabilityTest {

    /** The durable log as the driver writes it: the changes applied in order, as the storage does. */
    static final class Disk {
        HardState hard = HardState.NONE;
        Snapshot snapshot;
        final List<Entry> log = new ArrayList<>();

        void write(ReplicaState state) {
            write(state.durableChanges());
            state.markDurable();
        }

        void write(DurableChanges c) {
            if (c.hardState() != null) {
                hard = c.hardState();
            }
            if (c.snapshot() != null) {
                snapshot = c.snapshot();
                log.clear();
            }
            if (c.fromSeq() > 0) {
                log.removeIf(e -> e.seq() >= c.fromSeq());
                log.addAll(c.entries());
            }
        }

        RecoveredState read() {
            return new RecoveredState(hard, snapshot, List.copyOf(log));
        }
    }

    @Test
    void reportsEachChangeOnceUntilMadeDurable() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        DurableChanges first = primary.durableChanges();
        assertEquals(new HardState(1, P, true, List.of()), first.hardState(), "a new primary records its term");
        assertEquals(0, first.fromSeq());

        primary.propose(new WriteId("c", 1), put("k", "1"));
        primary.propose(new WriteId("c", 2), put("k", "2"));
        DurableChanges changes = primary.durableChanges();
        assertEquals(1, changes.fromSeq());
        assertEquals(List.of(1L, 2L), changes.entries().stream().map(Entry::seq).toList());
        assertEquals(changes, primary.durableChanges(), "until the driver made them durable, the same changes");

        primary.markDurable();
        assertTrue(primary.durableChanges().isEmpty());
        primary.propose(new WriteId("c", 3), put("k", "3"));
        assertEquals(3, primary.durableChanges().fromSeq(), "only what came since");
    }

    @Test
    void aHelperReportsTheTruncatedSuffixAsRewritten() {
        ReplicaState oldPrimary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        oldPrimary.propose(new WriteId("c", 1), put("k", "1"));
        sync(oldPrimary, helper);
        oldPrimary.propose(new WriteId("c", 2), put("k", "lost"));
        oldPrimary.markDurable();

        helper.promote(2);
        helper.propose(new WriteId("d", 1), put("k", "2"));
        oldPrimary.fence(2);
        oldPrimary.follow(H1, 2);
        helper.ack(oldPrimary.self(), new LogPosition(2, 3));
        oldPrimary.accept(2, H1, helper.catchUpFor(oldPrimary.last(), oldPrimary.commitSeq(), 100));

        DurableChanges rewritten = oldPrimary.durableChanges();
        assertEquals(2, rewritten.fromSeq(), "its unacknowledged (1, 2) is replaced from seq 2 on");
        assertEquals(
                List.of(new LogPosition(2, 2), new LogPosition(2, 3)),
                rewritten.entries().stream().map(Entry::position).toList());
        assertEquals(new HardState(2, H1, true, List.of(H1)), rewritten.hardState());
    }

    @Test
    void aRecoveredReplicaIsFencedInItsTermWithItsLogAndKnowsNoPrimary() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        Disk disk = new Disk();
        primary.propose(new WriteId("c", 1), put("a", "1"));
        sync(primary, helper);
        disk.write(helper);
        primary.propose(new WriteId("c", 2), put("b", "2"));
        sync(primary, helper);
        disk.write(helper);

        ReplicaState back = ReplicaState.recovered(H1, 1, disk.read(), "");

        assertEquals(Role.FENCED, back.role());
        assertEquals(1, back.term());
        assertEquals("", back.primary());
        assertEquals(helper.last(), back.last());
        assertTrue(back.caughtUp(), "it caught up before: still a failover candidate");
        assertEquals(List.of(P), back.peers(), "it knows whom it helped");
        assertTrue(
                back.promote(1).reason().contains("had primary " + P + " before this replica restarted"),
                "promoting it in term 1, which has a primary, would make two");
        assertTrue(back.promote(2).accepted(), "the operator promotes it in a higher term");
        assertEquals(helper.last().seq() + 1, back.last().seq(), "with its no-op after its recovered log");
    }

    @Test
    void aRecoveredHelperCatchesUpBySuffixAndDropsAnOlderTermsSuffix() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState h1 = ReplicaState.newHelper(H1, 1, P);
        ReplicaState h2 = ReplicaState.newHelper(H2, 1, P);
        Disk disk = new Disk();
        for (int i = 1; i <= 5; i++) {
            primary.propose(new WriteId("c", i), put("k", "v" + i));
            sync(primary, h1);
            sync(primary, h2);
        }
        // h1's last entry of term 1 never reached h2, which is promoted in term 2: (1, 6) must go (pg_rewind).
        primary.propose(new WriteId("c", 6), put("k", "unacknowledged"));
        h1.accept(1, P, primary.catchUpFor(h1.last(), h1.commitSeq(), 100));
        disk.write(h1);
        h2.fence(2);
        h2.promote(2);
        h2.propose(new WriteId("d", 1), put("k", "new"));
        h2.markDurable();

        ReplicaState back = ReplicaState.recovered(H1, 1, disk.read(), H2);
        assertEquals(Role.HELPER, back.role());
        assertEquals(new LogPosition(1, 6), back.last());
        CatchUp update = h2.catchUpFor(back.last(), back.commitSeq(), 100);
        assertNull(update.snapshot(), "its log still holds the shared prefix: a suffix, no snapshot");
        AcceptOutcome.Accepted accepted = assertInstanceOf(AcceptOutcome.Accepted.class, back.accept(2, H2, update));
        assertEquals(h2.last(), accepted.matched());
        assertEquals(0, back.snapshotsInstalled());
        DurableChanges rewritten = back.durableChanges();
        assertEquals(6, rewritten.fromSeq(), "the older term's (1, 6) is truncated and replaced");
        assertEquals(new LogPosition(2, 6), rewritten.entries().get(0).position());
        h2.ack(H1, accepted.matched());
        back.accept(2, H2, h2.catchUpFor(back.last(), back.commitSeq(), 100));
        assertEquals("new", value(back, "k"));
    }

    @Test
    void aSnapshotFromThePrimaryIsReportedAndCounted() {
        ReplicaState primary = ReplicaState.newPrimary(P, 0);
        for (int i = 1; i <= ReplicaData.COMPACT_ABOVE + 10; i++) {
            primary.propose(new WriteId("c", i), put("k" + (i % 7), "v" + i));
        }
        primary.markDurable();
        ReplicaState helper = ReplicaState.newHelper(H1, 0, P);
        helper.accept(1, P, primary.catchUpFor(helper.last(), helper.commitSeq(), 100));
        DurableChanges changes = helper.durableChanges();
        assertNotNull(changes.snapshot());
        assertEquals(changes.snapshot().lastIncluded().seq() + 1, changes.fromSeq());
        assertEquals(1, helper.snapshotsInstalled());
        helper.markDurable();
        assertNull(helper.durableChanges().snapshot());
    }

    @Test
    void aReplicaStartedWithoutBootstrapIsFencedInTermZero() {
        ReplicaState fenced = ReplicaState.newFenced(H1, 1);
        assertEquals(Role.FENCED, fenced.role());
        assertEquals(0, fenced.term());
        assertEquals(LogPosition.ZERO, fenced.last());
        assertInstanceOf(ProposeOutcome.NotPrimary.class, fenced.propose(new WriteId("c", 1), put("k", "v")));
        assertFalse(fenced.durableChanges().isEmpty() && fenced.caughtUp());
        assertTrue(fenced.promote(1).accepted());
    }
}
