package dev.replicagroup.replica.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReplicaState's safety rules, a test each, through its public calls only (ReplicaData and KnownServers are tested
 * as the parts of it they are). Over 300 lines for 17 rules: each test builds the primary and helpers it needs in a
 * few lines, and a split by rule would only spread the shared {@code sync} helper.
 */
class ReplicaStateTest {
    static final String P = "p:1";
    static final String H1 = "h1:1";
    static final String H2 = "h2:1";

    static Operation put(String key, String value) {
        return new Operation.Put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    static String value(ReplicaState s, String key) {
        return s.get(key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
    }

    /** Ships everything the helper misses from the primary to the helper and acks it back. */
    static void sync(ReplicaState primary, ReplicaState helper) {
        primary.markDurable();
        CatchUp update = primary.catchUpFor(helper.last(), helper.commitSeq(), 10_000);
        AcceptOutcome outcome = helper.accept(primary.term(), primary.self(), update);
        AcceptOutcome.Accepted accepted = assertInstanceOf(AcceptOutcome.Accepted.class, outcome);
        primary.ack(helper.self(), accepted.matched());
        CatchUp commit = primary.catchUpFor(helper.last(), helper.commitSeq(), 10_000);
        helper.accept(primary.term(), primary.self(), commit);
    }

    @Test
    void primaryOrdersWritesAndAcknowledgesOnlyAfterSyncAcksHelpersHaveThem() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        ProposeOutcome a = primary.propose(new WriteId("c", 1), put("k", "1"));
        ProposeOutcome b = primary.propose(new WriteId("d", 1), put("k", "2"));
        assertEquals(new ProposeOutcome.Appended(1, 1), a);
        assertEquals(new ProposeOutcome.Appended(1, 2), b);
        assertEquals(0, primary.commitSeq(), "nothing is committed before a helper acks");
        assertTrue(primary.drainApplied().isEmpty());
        assertNull(value(primary, "k"));

        sync(primary, helper);

        assertEquals(2, primary.commitSeq());
        List<Applied> applied = primary.drainApplied();
        assertEquals(List.of(1L, 2L), applied.stream().map(x -> x.entry().seq()).toList());
        assertEquals("2", value(primary, "k"));
        assertEquals("2", value(helper, "k"), "the helper applies in the same order");
        assertEquals(2, helper.appliedSeq());
    }

    @Test
    void syncAcksTwoWaitsForTwoHelpers() {
        ReplicaState primary = ReplicaState.newPrimary(P, 2);
        ReplicaState h1 = ReplicaState.newHelper(H1, 2, P);
        ReplicaState h2 = ReplicaState.newHelper(H2, 2, P);
        primary.propose(new WriteId("c", 1), put("k", "v"));
        sync(primary, h1);
        assertEquals(0, primary.commitSeq());
        sync(primary, h2);
        assertEquals(1, primary.commitSeq());
    }

    @Test
    void syncAcksZeroCommitsOnceThePrimaryPersisted() {
        ReplicaState primary = ReplicaState.newPrimary(P, 0);
        primary.propose(new WriteId("c", 1), put("k", "v"));
        assertEquals(0, primary.commitSeq(), "not before it is durable on the primary");
        primary.markDurable();
        assertEquals(1, primary.commitSeq());
        assertEquals("v", value(primary, "k"));
    }

    @Test
    void retriedWriteAppliesOnce() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        WriteId id = new WriteId("client", 7);
        assertInstanceOf(ProposeOutcome.Appended.class, primary.propose(id, put("k", "v")));
        assertEquals(new ProposeOutcome.Pending(1, 1), primary.propose(id, put("k", "v")), "still waiting: same entry");
        sync(primary, helper);
        ProposeOutcome again = primary.propose(id, put("k", "v"));
        assertEquals(new ProposeOutcome.AlreadyApplied(new WriteResult(1, 1, false)), again);
        assertEquals(1, primary.last().seq(), "no second entry");
        assertInstanceOf(ProposeOutcome.Superseded.class, primary.propose(new WriteId("client", 6), put("k", "x")));
    }

    @Test
    void duplicateEntryInTheLogIsSkippedWhenApplied() {
        ReplicaState primary = ReplicaState.newPrimary(P, 0);
        primary.propose(new WriteId("c", 1), new Operation.Delete("k"));
        primary.propose(new WriteId("c", 2), put("k", "a"));
        // A new primary may hold a request that an earlier primary also appended; the retry's entry is a no-op.
        ReplicaState helper = ReplicaState.newHelper(H1, 0, P);
        CatchUp dup = new CatchUp(
                LogPosition.ZERO,
                null,
                List.of(
                        new Entry(1, 1, new WriteId("c", 2), put("k", "a")),
                        new Entry(1, 2, new WriteId("c", 2), put("k", "b"))),
                2);
        helper.accept(1, P, dup);
        assertEquals("a", value(helper, "k"));
    }

    @Test
    void helperRejectsLowerTermAndStepsDownOnHigher() {
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        assertTrue(helper.follow("new:1", 3).accepted());
        AcceptOutcome stale = helper.accept(2, P, new CatchUp(LogPosition.ZERO, null, List.of(), 0));
        assertEquals(new AcceptOutcome.StaleTerm(3, "new:1"), stale);

        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        assertTrue(primary.observeTerm(2, "other:1"));
        assertEquals(Role.HELPER, primary.role());
        assertEquals("other:1", primary.primary());
        assertInstanceOf(ProposeOutcome.NotPrimary.class, primary.propose(new WriteId("c", 1), put("k", "v")));
        assertFalse(primary.observeTerm(2, "x:1"), "same term: nothing to learn");
    }

    @Test
    void promotionNeedsAHigherTermAndIsIdempotent() {
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        helper.accept(2, P, new CatchUp(LogPosition.ZERO, null, List.of(), 0));
        assertFalse(helper.promote(2).accepted());
        assertFalse(helper.promote(1).accepted());
        assertTrue(helper.promote(3).accepted());
        assertTrue(helper.promote(3).accepted(), "repeating the same promotion is harmless");
        assertEquals(Role.PRIMARY, helper.role());
        assertEquals(new LogPosition(3, 1), helper.last(), "a new term starts with a no-op");
        assertFalse(helper.fence(2).accepted());
        assertTrue(helper.fence(4).accepted());
        assertEquals(Role.FENCED, helper.role());
        assertEquals("", helper.primary(), "a fenced replica names no primary, so nobody is sent back to it");
        assertInstanceOf(ProposeOutcome.NotPrimary.class, helper.propose(new WriteId("c", 1), put("k", "v")));
        assertFalse(helper.follow(H1, 5).accepted(), "cannot follow itself");
    }

    @Test
    void fencedHelperIgnoresItsOldPrimaryAndMayBePromotedInTheFenceTerm() {
        ReplicaState oldPrimary = ReplicaState.newPrimary(P, 1);
        ReplicaState h1 = ReplicaState.newHelper(H1, 1, P);
        ReplicaState h2 = ReplicaState.newHelper(H2, 1, P);
        oldPrimary.propose(new WriteId("c", 1), put("a", "1"));
        sync(oldPrimary, h1);
        sync(oldPrimary, h2);
        assertTrue(h1.fence(2).accepted());
        assertTrue(h2.fence(2).accepted());
        assertEquals(Role.HELPER, h1.role(), "a fenced helper stays a helper (and Ready)");
        assertEquals("", h1.primary());
        oldPrimary.propose(new WriteId("c", 2), put("b", "2"));
        CatchUp late = oldPrimary.catchUpFor(h1.last(), h1.commitSeq(), 10);
        assertEquals(new AcceptOutcome.StaleTerm(2, ""), h1.accept(1, P, late), "no more acks for the old primary");
        assertEquals(1, oldPrimary.commitSeq());

        assertTrue(h1.promote(2).accepted(), "nobody leads term 2 yet: h1 may");
        assertTrue(h2.follow(H1, 2).accepted());
        assertTrue(h2.fence(2).accepted(), "fencing again once it follows term 2's primary changes nothing");
        assertEquals(H1, h2.primary());
        assertFalse(h1.fence(2).accepted(), "the primary of term 2 is not fenced in term 2");
        assertFalse(h2.promote(2).accepted(), "term 2 has a primary already");
    }

    @Test
    void oldPrimarysUnacknowledgedSuffixIsDroppedWhenItRejoins() {
        ReplicaState oldPrimary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        oldPrimary.propose(new WriteId("c", 1), put("a", "1"));
        sync(oldPrimary, helper);
        // Two writes the helper never got: never acknowledged.
        oldPrimary.propose(new WriteId("c", 2), put("b", "lost"));
        oldPrimary.propose(new WriteId("c", 3), put("c", "lost"));
        assertEquals(3, oldPrimary.last().seq());

        assertTrue(helper.promote(2).accepted());
        helper.propose(new WriteId("d", 1), put("z", "new"));
        assertTrue(oldPrimary.follow(H1, 2).accepted());
        sync(helper, oldPrimary);

        assertEquals(helper.last(), oldPrimary.last());
        assertEquals(new LogPosition(2, 3), oldPrimary.last());
        assertNull(value(oldPrimary, "b"), "the unacknowledged write is gone");
        assertEquals("1", value(oldPrimary, "a"));
        assertEquals("new", value(oldPrimary, "z"));
    }

    @Test
    void olderTermEntriesCommitOnlyWithAnEntryOfTheNewTerm() {
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        helper.accept(
                1,
                P,
                new CatchUp(LogPosition.ZERO, null, List.of(new Entry(1, 1, new WriteId("c", 1), put("a", "1"))), 0));
        assertTrue(helper.promote(2).accepted());
        helper.markDurable();
        ReplicaState other = ReplicaState.newHelper(H2, 1, H1);
        // Ack of the old entry alone does not commit it.
        other.accept(
                2,
                H1,
                new CatchUp(LogPosition.ZERO, null, List.of(new Entry(1, 1, new WriteId("c", 1), put("a", "1"))), 0));
        helper.ack(H2, new LogPosition(1, 1));
        assertEquals(0, helper.commitSeq());
        helper.ack(H2, new LogPosition(2, 2));
        assertEquals(2, helper.commitSeq());
        assertEquals("1", value(helper, "a"));
    }

    @Test
    void helperThatDivergedBeyondItsCommitIsRepairedFromItsCommitPoint() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        primary.propose(new WriteId("c", 1), put("a", "1"));
        sync(primary, helper);
        // The helper holds an entry of a term whose primary died unacknowledged.
        helper.accept(
                1,
                P,
                new CatchUp(
                        new LogPosition(1, 1),
                        null,
                        List.of(new Entry(1, 2, new WriteId("x", 1), put("ghost", "g"))),
                        1));
        assertTrue(primary.fence(2).accepted());
        ReplicaState newPrimary = primary;
        assertTrue(newPrimary.promote(3).accepted());
        CatchUp repair = newPrimary.catchUpFor(helper.last(), helper.commitSeq(), 100);
        assertEquals(new LogPosition(1, 1), repair.after(), "starts at the helper's commit point");
        helper.accept(3, P, repair);
        assertEquals(new LogPosition(3, 2), helper.last());
    }

    @Test
    void laggingHelperGetsASnapshotOnceTheLogIsCompacted() {
        ReplicaState primary = ReplicaState.newPrimary(P, 0);
        for (int i = 1; i <= ReplicaData.COMPACT_ABOVE + 10; i++) {
            primary.propose(new WriteId("c", i), put("k" + (i % 100), "v" + i));
        }
        primary.markDurable();
        ReplicaState late = ReplicaState.newHelper(H1, 0, P);
        CatchUp catchUp = primary.catchUpFor(late.last(), late.commitSeq(), 100);
        assertTrue(catchUp.snapshot() != null, "the start of the log is gone: snapshot");
        assertEquals(primary.commitSeq(), catchUp.after().seq());
        assertInstanceOf(AcceptOutcome.Accepted.class, late.accept(1, P, catchUp));
        assertEquals(primary.last(), late.last());
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(
                    primary.get("k" + i).orElseThrow(), late.get("k" + i).orElseThrow());
        }
        assertEquals(
                new ProposeOutcome.AlreadyApplied(new WriteResult(1, ReplicaData.COMPACT_ABOVE + 10, true)),
                retryOnSnapshotHolder(late, primary),
                "dedup records travel with the snapshot");
    }

    private static ProposeOutcome retryOnSnapshotHolder(ReplicaState helper, ReplicaState primary) {
        assertTrue(helper.promote(primary.term() + 1).accepted());
        return helper.propose(new WriteId("c", ReplicaData.COMPACT_ABOVE + 10), put("x", "y"));
    }

    @Test
    void gapIsReportedWhenTheUpdateDoesNotStartWhereTheHelperIs() {
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        AcceptOutcome outcome = helper.accept(
                1,
                P,
                new CatchUp(
                        new LogPosition(1, 5), null, List.of(new Entry(1, 6, WriteId.NONE, new Operation.Noop())), 6));
        assertEquals(new AcceptOutcome.Gap(LogPosition.ZERO, 0), outcome);
    }

    @Test
    void conflictWithACommittedEntryIsRefusedLoudly() {
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        helper.accept(
                1, P, new CatchUp(LogPosition.ZERO, null, List.of(new Entry(1, 1, WriteId.NONE, put("a", "1"))), 1));
        assertThrows(
                IllegalStateException.class,
                () -> helper.accept(
                        2,
                        P,
                        new CatchUp(LogPosition.ZERO, null, List.of(new Entry(2, 1, WriteId.NONE, put("a", "2"))), 1)));
    }

    @Test
    void primaryThatLostItsStateFencesItselfAndHelpersKeepTheirs() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        ReplicaState helper = ReplicaState.newHelper(H1, 1, P);
        primary.propose(new WriteId("c", 1), put("a", "1"));
        sync(primary, helper);
        assertEquals(1, helper.commitSeq());

        ReplicaState restarted = ReplicaState.newPrimary(P, 1);
        assertFalse(restarted.admitHelper(H1, helper.commitSeq()).accepted());
        assertEquals(Role.FENCED, restarted.role());
        assertFalse(restarted.caughtUp(), "it lost its state: not a candidate, not Ready");
        assertTrue(ReplicaState.newPrimary(P, 1).admitHelper(H1, 0).accepted());

        ReplicaState empty = ReplicaState.newPrimary(P, 1);
        CatchUp wipe = empty.catchUpFor(helper.last(), helper.commitSeq(), 10);
        assertInstanceOf(AcceptOutcome.Gap.class, helper.accept(1, P, wipe), "no snapshot rolls back committed state");
        assertEquals("1", value(helper, "a"));
    }

    @Test
    void activeListIsSortedByLiveness() {
        ReplicaState primary = ReplicaState.newPrimary(P, 1);
        primary.helperJoined(H1);
        primary.helperJoined(H2);
        for (int i = 0; i < 5; i++) {
            primary.contactSucceeded(H2);
        }
        primary.contactFailed(H1);
        ActiveList list = primary.activeList();
        assertEquals(
                List.of(P, H2, H1),
                list.servers().stream().map(ServerEntry::address).toList());
        assertEquals(Role.PRIMARY, list.servers().get(0).role());
        assertEquals(P, list.primary());
    }

    @Test
    void aHelperIsCaughtUpOnceItHoldsEveryWriteThePrimaryHadCommitted() {
        List<Entry> entries = List.of(
                new Entry(1, 1, new WriteId("c", 1), put("a", "1")),
                new Entry(1, 2, new WriteId("c", 2), put("a", "2")),
                new Entry(1, 3, new WriteId("c", 3), put("a", "3")));
        ReplicaState atTheHead = ReplicaState.newHelper(H1, 1, P);
        atTheHead.accept(1, P, new CatchUp(LogPosition.ZERO, null, entries, 2));
        assertTrue(atTheHead.caughtUp(), "it holds more than was committed: an update not yet committed is no lag");

        ReplicaState behind = ReplicaState.newHelper(H2, 1, P);
        behind.accept(1, P, new CatchUp(LogPosition.ZERO, null, entries.subList(0, 2), 3));
        assertFalse(behind.caughtUp(), "the first batch of a catch-up lacks a committed write");
        behind.accept(1, P, new CatchUp(new LogPosition(1, 2), null, entries.subList(2, 3), 3));
        assertTrue(behind.caughtUp());
    }
}
