package dev.replicagroup.replica.core;

import static dev.replicagroup.replica.core.ReplicaMachineTest.SETTINGS;
import static dev.replicagroup.replica.core.ReplicaMachineTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The primary sends its updates while it persists them (raft thesis 10.2.1), and counts its own copy only after its
 * persist: what that ordering may and may not do to an acknowledged write.
 */
class PersistOrderTest {
    final Map<String, ReplicaMachine> nodes = new LinkedHashMap<>();
    final Map<String, DurabilityTest.Disk> disks = new LinkedHashMap<>();

    ReplicaMachine add(ReplicaState state) {
        ReplicaMachine machine = new ReplicaMachine(state, SETTINGS, 1);
        nodes.put(state.self(), machine);
        disks.put(state.self(), new DurabilityTest.Disk());
        return machine;
    }

    /** The driver of {@code node}: every Ready persisted to its disk and sent, until none is left. */
    List<Message> drive(String node) {
        ReplicaMachine machine = nodes.get(node);
        List<Message> out = new ArrayList<>();
        for (Ready ready = machine.ready(); !ready.isEmpty(); ready = machine.ready()) {
            out.addAll(ready.sendAtOnce());
            disks.get(node).write(ready.durable());
            machine.persisted();
            out.addAll(ready.messages());
        }
        return out;
    }

    /** Delivers the messages, and every message they cause, until none is left. */
    void deliver(List<Message> messages) {
        List<Message> queue = new ArrayList<>(messages);
        while (!queue.isEmpty()) {
            Message m = queue.remove(0);
            if (nodes.containsKey(m.to())) {
                nodes.get(m.to()).step(m);
                queue.addAll(drive(m.to()));
            }
        }
    }

    ReplicaMachine groupOf(String... helpers) {
        ReplicaMachine primary = add(ReplicaState.newPrimary("p", 1));
        for (String h : helpers) {
            add(ReplicaState.newHelper(h, 1, "p"));
        }
        for (int i = 0; i < SETTINGS.heartbeatTicks(); i++) {
            nodes.keySet().forEach(n -> {
                nodes.get(n).tick(1);
                deliver(drive(n));
            });
        }
        assertTrue(primary.serving());
        return primary;
    }

    static String text(Optional<byte[]> value) {
        return value.map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void aWriteIsNotAcknowledgedBeforeThePrimarysOwnPersistEvenIfItsHelperAcked() {
        ReplicaMachine primary = groupOf("h");
        ProposeOutcome.Appended write =
                assertInstanceOf(ProposeOutcome.Appended.class, primary.propose(new WriteId("c", 1), put("k", "v")));

        Ready ready = primary.ready();
        assertEquals(write.seq(), ready.durable().entries().get(0).seq(), "the entry is still to be made durable");
        List<Message> atOnce = ready.sendAtOnce();
        assertTrue(
                atOnce.stream()
                        .anyMatch(m -> m instanceof Message.Append a
                                && a.to().equals("h")
                                && a.update().end().seq() == write.seq()),
                "the update goes to the helper before the primary's own persist: " + atOnce);
        // The helper persists and acks while the primary's fsync still runs.
        nodes.get("h").step(atOnce.get(0));
        List<Message> acks = drive("h");
        Message.Accepted ack = assertInstanceOf(Message.Accepted.class, acks.get(0));
        assertEquals(write.seq(), ack.matched().seq());
        primary.step(ack);

        assertEquals(
                write.seq() - 1, primary.state().commitSeq(), "acked by its helper, not yet durable on the primary");
        assertTrue(primary.ready().applied().isEmpty(), "so nothing is applied or answered");
        assertEquals(null, text(primary.state().get("k")));

        primary.persisted();
        assertEquals(write.seq(), primary.state().commitSeq(), "durable on the primary and on one helper");
        Ready after = primary.ready();
        assertEquals(
                List.of(write.seq()),
                after.applied().stream().map(a -> a.entry().seq()).toList());
        assertTrue(after.durable().isEmpty());
    }

    @Test
    void withSyncAcksZeroTheWriteWaitsForThePrimarysPersistAlone() {
        ReplicaMachine primary = add(ReplicaState.newPrimary("p", 0));
        primary.ready();
        primary.persisted();
        primary.propose(new WriteId("c", 1), put("k", "v"));
        assertEquals(0, primary.state().commitSeq());
        primary.persisted();
        assertEquals(1, primary.state().commitSeq());
    }

    @Test
    void messagesThatChangeTheHardStateWaitForThePersist() {
        ReplicaMachine primary = groupOf("h");
        primary.fence(2);
        primary.promote(3, 0);
        Ready ready = primary.ready();
        assertTrue(ready.durable().hardState() != null, "a new term to make durable");
        assertEquals(List.of(), ready.sendAtOnce(), "nothing of term 3 leaves before term 3 is durable");
        assertFalse(ready.messages().isEmpty());

        ReplicaMachine helper = nodes.get("h");
        helper.step(ready.messages().get(0));
        Ready answer = helper.ready();
        assertEquals(List.of(), answer.sendAtOnce(), "a helper's answer always waits for its persist");
        assertFalse(answer.messages().isEmpty());
    }

    @Test
    void aPrimaryKilledBeforeItsFsyncLosesOnlyUnacknowledgedWritesAndTheGroupConverges() {
        ReplicaMachine primary = groupOf("h1", "h2");
        primary.propose(new WriteId("c", 1), put("a", "acknowledged"));
        deliver(drive("p"));
        long acknowledged = primary.state().commitSeq();
        assertEquals("acknowledged", text(primary.state().get("a")));

        primary.propose(new WriteId("c", 2), put("b", "sent, never durable on p"));
        Ready ready = primary.ready();
        LogPosition lost = ready.durable().entries().get(0).position();
        nodes.remove("p"); // killed before its own persist ends; what it sent at once is on its way
        List<Message> acks = new ArrayList<>();
        for (Message m : ready.sendAtOnce()) {
            nodes.get(m.to()).step(m);
            acks.addAll(drive(m.to()));
        }
        acks.forEach(primary::step);
        assertEquals(2, acks.size());
        assertEquals(acknowledged, primary.state().commitSeq(), "both helpers acked it, but p's copy was not durable");

        // p comes back from its disk without the entry; its helpers have it.
        ReplicaState back = ReplicaState.recovered("p", 1, disks.get("p").read(), "");
        assertEquals(acknowledged, back.last().seq(), "every acknowledged entry is on p's disk, the unsent one not");
        nodes.put("p", new ReplicaMachine(back, SETTINGS, 2));
        for (String h : List.of("h1", "h2")) {
            assertEquals(lost, nodes.get(h).state().last(), h + " holds more than p: fine");
        }

        // The failover: fence everyone in term 2, promote the highest (term, seq), the others follow it.
        nodes.values().forEach(n -> n.fence(2));
        String best = nodes.values().stream()
                .max((x, y) -> x.state().last().compareTo(y.state().last()))
                .orElseThrow()
                .state()
                .self();
        assertTrue(List.of("h1", "h2").contains(best));
        nodes.get(best).promote(2, 0);
        nodes.keySet().stream()
                .filter(n -> !n.equals(best))
                .forEach(n -> nodes.get(n).follow(best, 2));
        nodes.keySet().forEach(n -> deliver(drive(n)));
        for (int i = 0; i < 2 * SETTINGS.heartbeatTicks(); i++) {
            nodes.keySet().forEach(n -> {
                nodes.get(n).tick(1);
                deliver(drive(n));
            });
        }

        ReplicaMachine newPrimary = nodes.get(best);
        assertTrue(newPrimary.serving());
        for (ReplicaMachine n : nodes.values()) {
            assertEquals(newPrimary.state().last(), n.state().last(), n.state().self() + " converged");
            assertEquals("acknowledged", text(n.state().get("a")), n.state().self() + " holds the acknowledged write");
        }
        assertEquals(
                "sent, never durable on p",
                text(newPrimary.state().get("b")),
                "the unacknowledged write the helpers held is committed by the new primary's no-op");
    }
}
