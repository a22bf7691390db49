package dev.replicagroup.replica.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The protocol rules of {@link ReplicaMachine}, one at a time, over a hand-driven network. */
class ReplicaMachineTest {
    static final ProtocolSettings SETTINGS = new ProtocolSettings(10, 50, 100, 20, 64, 4);

    final Map<String, ReplicaMachine> nodes = new LinkedHashMap<>();
    /** Messages matching this are lost. */
    Predicate<Message> lose = m -> false;

    ReplicaMachine add(ReplicaState state) {
        ReplicaMachine machine = new ReplicaMachine(state, SETTINGS, 1);
        nodes.put(state.self(), machine);
        return machine;
    }

    /** Delivers every message until none is left. */
    void settle() {
        List<Message> queue = new ArrayList<>();
        nodes.values().forEach(n -> queue.addAll(drive(n)));
        while (!queue.isEmpty()) {
            Message m = queue.remove(0);
            ReplicaMachine to = nodes.get(m.to());
            if (to != null && !lose.test(m)) {
                to.step(m);
                queue.addAll(drive(to));
            }
        }
    }

    /** What a driver does with each Ready until none is left: it persists at once and sends everything. */
    static List<Message> drive(ReplicaMachine node) {
        List<Message> out = new ArrayList<>();
        for (Ready ready = node.ready(); !ready.isEmpty(); ready = node.ready()) {
            out.addAll(ready.sendAtOnce());
            node.persisted();
            out.addAll(ready.messages());
        }
        return out;
    }

    void tick(int ticks) {
        for (int i = 0; i < ticks; i++) {
            nodes.values().forEach(n -> n.tick(1));
            settle();
        }
    }

    static Operation put(String key, String value) {
        return new Operation.Put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    ReplicaMachine primaryWithHelpers(String... helpers) {
        ReplicaMachine primary = add(ReplicaState.newPrimary("p", 1));
        for (String h : helpers) {
            add(ReplicaState.newHelper(h, 1, "p"));
        }
        // One heartbeat round: every helper has joined and learned of the others.
        tick(SETTINGS.heartbeatTicks());
        return primary;
    }

    @Test
    void aHelperServesBoundedReadsOnlyWhileItsServingPrimaryKeepsProvingItCurrent() {
        ReplicaMachine primary = primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        primary.propose(new WriteId("c", 1), put("k", "v1"));
        settle();
        tick(2 * SETTINGS.heartbeatTicks());
        ReadOutcome.Value read = assertInstanceOf(ReadOutcome.Value.class, helper.readWithin("k", 40));
        assertEquals("v1", new String(read.value().orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(read.stalenessTicks() > 0 && read.stalenessTicks() <= 40, "staleness " + read.stalenessTicks());
        assertInstanceOf(ReadOutcome.NotPrimary.class, helper.read("k"), "a plain read stays the primary's");

        // The primary goes silent: past the bound the helper refuses, though it still holds v1.
        nodes.remove("p");
        for (int i = 0; i < 40; i++) {
            helper.tick(1);
        }
        ReadOutcome.NotServing refused = assertInstanceOf(ReadOutcome.NotServing.class, helper.readWithin("k", 40));
        assertTrue(refused.why().contains("more than the 40"), refused.why());
    }

    @Test
    void aFreshnessProofFromBeforeARestartIsNotReadOnTheNewClock() {
        ReplicaMachine primary = primaryWithHelpers("h");
        tick(5 * SETTINGS.heartbeatTicks());
        // The helper restarts (a new incarnation whose clock starts at 0) and an update built for the old one,
        // echoing the old clock's tick, reaches it: it proves nothing about the new process's state.
        ReplicaMachine restarted = new ReplicaMachine(ReplicaState.newHelper("h", 1, "p"), SETTINGS, 2);
        nodes.put("h", restarted);
        Message.Append stale = new Message.Append(
                "p",
                "h",
                primary.state().term(),
                0,
                // Nothing the new process lacks: it accepts the update, so only the echo's incarnation refuses it.
                new CatchUp(LogPosition.ZERO, null, List.of(), 0),
                null,
                new HelperTick(1, 3));
        restarted.tick(5);
        restarted.step(stale);
        assertInstanceOf(ReadOutcome.NotServing.class, restarted.readWithin("k", 1000));
    }

    @Test
    void aPrimaryServesOnlyWhileAHelperAcksWithinTheLease() {
        ReplicaMachine primary = add(ReplicaState.newPrimary("p", 1));
        assertTrue(primary.serving(), "alone, never having known a helper: nobody could be promoted in its place");
        add(ReplicaState.newHelper("h", 1, "p"));
        tick(1);
        assertTrue(primary.serving(), "the helper joined and acked");
        lose = m -> true;
        tick(SETTINGS.leaseTicks() - 1);
        assertTrue(primary.serving(), "within the lease of the last ack");
        tick(2);
        assertFalse(primary.serving());
        ReadOutcome.NotServing why = assertInstanceOf(ReadOutcome.NotServing.class, primary.read("k"));
        assertTrue(why.why().contains("lost its lease"), why.why());
        assertInstanceOf(ProposeOutcome.NotServing.class, primary.propose(new WriteId("c", 1), put("k", "v")));
        lose = m -> false;
        tick(SETTINGS.heartbeatTicks());
        assertTrue(primary.serving(), "the helper answers again");
    }

    @Test
    void aHelperReportsItsPrimaryLostAfterTheDetectionTimeoutOnly() {
        primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        lose = m -> true;
        tick(SETTINGS.detectionTicks() - SETTINGS.heartbeatTicks());
        assertFalse(helper.primaryLost());
        tick(SETTINGS.heartbeatTicks() + 1);
        assertTrue(helper.primaryLost());
        assertEquals("p", helper.lastPrimary());
        assertTrue(helper.primaryContactAgeTicks() >= SETTINGS.detectionTicks());
        assertTrue(helper.state().caughtUp(), "it stays eligible for promotion");
    }

    @Test
    void aHelperDoesNotCountItsOwnPauseAsSilenceOfItsPrimary() {
        primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        // The helper did not run for longer than the detection timeout (a starved CPU, a GC pause): one tick call.
        helper.tick(SETTINGS.detectionTicks() + 5);
        assertFalse(helper.primaryLost(), "the primary's heartbeats of that time are still on their way");
        assertTrue(helper.primaryContactAgeTicks() > SETTINGS.detectionTicks(), "the age it reports is the real one");
        tick(1);
        assertFalse(helper.primaryLost(), "the next heartbeat arrived");
        // Control: the same silence while the helper runs is a lost primary.
        lose = m -> true;
        for (int i = 0; i <= SETTINGS.detectionTicks(); i++) {
            helper.tick(1);
        }
        assertTrue(helper.primaryLost());
    }

    @Test
    void aHelperPausedAgainAndAgainStillReportsADeadPrimaryWithinTwiceTheDetectionTimeout() {
        primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        nodes.remove("p");
        int pause = SETTINGS.heartbeatTicks() + 1;
        long silent = 0;
        while (!helper.primaryLost() && silent <= 3L * SETTINGS.detectionTicks()) {
            helper.tick(pause);
            silent += pause;
        }
        assertTrue(helper.primaryLost());
        assertTrue(silent <= 2L * SETTINGS.detectionTicks() + pause, "reported after " + silent + " ticks");
        assertTrue(silent > SETTINGS.detectionTicks(), "its pauses were not counted at first: " + silent);
    }

    @Test
    void aHelperCatchingUpFromASnapshotIsSentOneWhileItIsOnItsWayNotOneABeat() {
        ReplicaMachine primary = primaryWithHelpers("h");
        for (int i = 0; i < ReplicaData.COMPACT_ABOVE + 100; i++) {
            primary.propose(new WriteId("c", i + 1), put("k" + i, "v"));
        }
        settle();
        tick(1);
        ReplicaMachine late = add(ReplicaState.newHelper("late", 1, "p"));
        List<Message> snapshots = new ArrayList<>();
        // The snapshot takes longer than several beats to arrive (a big store): the helper, not yet answered, sends
        // HERETOHELP again with back-off. (Here the primary's messages to it are lost; the count is what matters.)
        lose = m -> {
            if (m instanceof Message.Append a
                    && m.to().equals("late")
                    && a.update().snapshot() != null) {
                snapshots.add(m);
            }
            return m.to().equals("late");
        };
        tick(SETTINGS.detectionTicks() - 1);
        assertEquals(1, snapshots.size(), "one snapshot within the detection timeout, not one per beat");
        lose = m -> false;
        tick(SETTINGS.detectionTicks() + 2 * SETTINGS.heartbeatTicks());
        assertEquals(primary.state().commitSeq(), late.state().commitSeq(), "it caught up");
        assertTrue(snapshots.size() <= 3, snapshots.size() + " snapshots");
    }

    @Test
    void aHelperWhosePrimarysStreamBrokeReportsItLostAfterTwoSilentHeartbeats() {
        primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        helper.disconnected("p");
        tick(3 * SETTINGS.heartbeatTicks());
        assertFalse(helper.primaryLost(), "the primary still runs: its next heartbeat (on a new stream) clears it");
        helper.disconnected("elsewhere");
        lose = m -> true;
        tick(2 * SETTINGS.heartbeatTicks() + 1);
        assertFalse(helper.primaryLost(), "silent, but no stream of its primary broke: the whole detection timeout");
        helper.disconnected("p");
        tick(1);
        assertTrue(helper.primaryLost());
        assertTrue(helper.primaryContactAgeTicks() < SETTINGS.detectionTicks());
    }

    @Test
    void aRetiringPrimaryStopsServingAndRefusesPromotionButCanBeFenced() {
        ReplicaMachine primary = primaryWithHelpers("h");
        assertTrue(primary.serving());
        primary.retire();
        assertFalse(primary.serving());
        ReadOutcome.NotServing why = assertInstanceOf(ReadOutcome.NotServing.class, primary.read("k"));
        assertTrue(why.why().contains("shutting down"), why.why());
        assertFalse(primary.promote(5, 0).accepted(), "a process on its way out is no candidate");
        assertTrue(primary.fence(2).accepted(), "it still answers the failover's fence");
        assertEquals(0, primary.holdoffRemainingTicks(), "fenced, it holds no lease the new primary must wait out");
    }

    @Test
    void aSwitchoversWritePauseLetsALaggingHelperCatchUpAndRunsOutByItself() {
        ReplicaMachine primary = primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        lose = m -> m.to().equals("h")
                && m instanceof Message.Append a
                && !a.update().entries().isEmpty();
        primary.propose(new WriteId("c", 1), put("k", "v"));
        settle();
        assertTrue(helper.state().last().seq() < primary.state().last().seq(), "the helper lags");

        assertFalse(primary.pauseWrites(2, 30).accepted(), "only the primary of that term pauses");
        assertTrue(primary.pauseWrites(1, 30).accepted());
        ProposeOutcome.NotServing refused =
                assertInstanceOf(ProposeOutcome.NotServing.class, primary.propose(new WriteId("c", 2), put("k", "w")));
        assertTrue(refused.why().contains("hands over"), refused.why());
        assertInstanceOf(ReadOutcome.Value.class, primary.read("k"), "reads go on");
        lose = m -> false;
        tick(3 * SETTINGS.heartbeatTicks());
        assertEquals(primary.state().last(), helper.state().last(), "what was taken streamed on");

        assertInstanceOf(ProposeOutcome.Appended.class, primary.propose(new WriteId("c", 3), put("k", "x")));
        assertEquals(0, primary.writesPausedTicks(), "the pause ran out by itself");
        assertFalse(helper.pauseWrites(1, 30).accepted(), "a helper has nothing to pause");
    }

    @Test
    void updatesLostWhileHeartbeatsStillArriveAreSentAgain() {
        ReplicaMachine primary = primaryWithHelpers("h");
        ReplicaMachine helper = nodes.get("h");
        lose = m -> m instanceof Message.Append a
                && m.to().equals("h")
                && !a.update().entries().isEmpty();
        primary.propose(new WriteId("c", 1), put("k", "v"));
        settle();
        lose = m -> false;
        tick(3 * SETTINGS.heartbeatTicks());
        assertEquals(primary.state().last(), helper.state().last());
        assertEquals(primary.state().commitSeq(), helper.state().commitSeq());
    }

    @Test
    void aNewPrimaryWaitsOutItsHoldOffAndCommitsItsTermBeforeServing() {
        ReplicaMachine old = primaryWithHelpers("a", "b");
        old.propose(new WriteId("c", 1), put("k", "v1"));
        tick(1);
        nodes.get("a").fence(2);
        nodes.get("b").fence(2);
        nodes.remove("p");
        ReplicaMachine next = nodes.get("a");
        assertTrue(next.promote(2, 30).accepted());
        tick(5);
        assertEquals(Role.HELPER, nodes.get("b").state().role());
        assertEquals("a", nodes.get("b").state().primary(), "a fenced helper follows the first primary of its term");
        assertFalse(next.serving(), "inside the hold-off");
        tick(30);
        assertTrue(next.serving());
        ReadOutcome.Value value = assertInstanceOf(ReadOutcome.Value.class, next.read("k"));
        assertEquals("v1", new String(value.value().orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void aDeposedPrimaryStepsDownWhenItHearsOfTheNewTerm() {
        ReplicaMachine old = primaryWithHelpers("a", "b");
        nodes.get("a").fence(2);
        nodes.get("b").fence(2);
        nodes.get("a").promote(2, 0);
        tick(2 * SETTINGS.heartbeatTicks());
        assertEquals(Role.HELPER, old.state().role());
        assertEquals(2, old.state().term());
        assertEquals("a", old.state().primary());
        assertFalse(old.serving());
    }

    @Test
    void oneUpdateCarriesEveryWriteOfABatchAndACommitPointAloneWaitsForTheNextTick() {
        ReplicaMachine primary = primaryWithHelpers("h1", "h2");
        for (int i = 1; i <= 10; i++) {
            primary.propose(new WriteId("c" + i, 1), put("k" + i, "v"));
        }
        List<Message> sent = drive(primary);
        List<Message.Append> updates = appends(sent);
        assertEquals(2, updates.size(), "one update per helper for the whole batch: " + sent);
        updates.forEach(u -> assertEquals(10, u.update().entries().size()));

        // The acks commit the batch on the primary; the new commit point has no entry to ride on in this tick.
        List<Message> acks = new ArrayList<>();
        for (Message.Append u : updates) {
            nodes.get(u.to()).step(u);
            acks.addAll(drive(nodes.get(u.to())));
        }
        acks.forEach(primary::step);
        List<Message> sameTick = drive(primary);
        assertEquals(0, appends(sameTick).size(), "a commit point alone went out in the tick of its update");
        assertEquals(
                10,
                primary.state().commitSeq() - updates.get(0).update().after().seq());

        // A write in the same tick carries it at once; with none, the next tick does.
        primary.tick(1);
        List<Message.Append> nextTick = appends(drive(primary));
        assertEquals(2, nextTick.size());
        nextTick.forEach(
                u -> assertEquals(primary.state().commitSeq(), u.update().commitSeq()));
    }

    static List<Message.Append> appends(List<Message> messages) {
        return messages.stream()
                .filter(Message.Append.class::isInstance)
                .map(Message.Append.class::cast)
                .toList();
    }
}
