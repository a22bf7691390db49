package dev.replicagroup.replica.core;

import java.util.OptionalLong;

/**
 * The helper's half of {@link ReplicaMachine}: joining its primary (HERETOHELP with back-off), answering each
 * update with its position, following a redirect, and the failure detector: how long ago it last heard from its
 * primary, and whether it counts it lost. The machine owns the clock and the outbox.
 */
final class HelperSide {
    private final ReplicaMachine machine;
    private final ReplicaState state;
    private final ProtocolSettings settings;
    private String lastPrimary = "";
    private long lastContact = -1;
    private boolean contactSinceBeat;
    /** The stream from lastPrimary broke (its process exited, or the connection was reset) after its last word. */
    private boolean primaryDisconnected;
    /** Ticks since lastContact that this replica itself did not run (see {@link #paused}). */
    private long pausedSinceContact;
    /** Its tick that an update of its serving primary proved it current as of (see Append#freshAsOf); -1: never. */
    private long freshAsOf = -1;

    private boolean joined;
    private long nextJoinAt;
    private int joinFailures;

    HelperSide(ReplicaMachine machine, ReplicaState state, ProtocolSettings settings) {
        this.machine = machine;
        this.state = state;
        this.settings = settings;
    }

    /** Time to (re)send HERETOHELP: a helper with a primary that has not answered yet. */
    boolean joinDue() {
        return !joined && !state.primary().isEmpty() && machine.now() >= nextJoinAt;
    }

    /** The stream of messages from {@code peer} ended. */
    void disconnected(String peer) {
        if (peer.equals(lastPrimary)) {
            primaryDisconnected = true;
        }
    }

    /** The role, term or primary changed: a new primary to follow restarts the detector and the join. */
    void roleChanged() {
        if (state.role() == Role.HELPER
                && !state.primary().isEmpty()
                && !state.primary().equals(lastPrimary)) {
            // A new primary to follow: the detector starts counting from now, not from the old one's last word.
            lastPrimary = state.primary();
            lastContact = machine.now();
            pausedSinceContact = 0;
            primaryDisconnected = false;
        }
        freshAsOf = -1;
        joined = false;
        joinFailures = 0;
        nextJoinAt = machine.now();
    }

    void onAppend(Message.Append m) {
        AcceptOutcome outcome = state.accept(m.term(), m.from(), m.update());
        if (outcome instanceof AcceptOutcome.Accepted a) {
            heardFromPrimary(m);
            HelperTick fresh = m.freshAsOf();
            if (fresh != null
                    && fresh.incarnation() == machine.incarnation()
                    && fresh.tick() <= machine.now()
                    && state.commitSeq() >= m.update().commitSeq()) {
                freshAsOf = Math.max(freshAsOf, fresh.tick());
            }
            machine.send(new Message.Accepted(
                    state.self(),
                    m.from(),
                    state.term(),
                    m.sentAt(),
                    a.matched(),
                    new HelperTick(machine.incarnation(), machine.now())));
        } else if (outcome instanceof AcceptOutcome.Gap g) {
            heardFromPrimary(m);
            machine.send(new Message.Behind(state.self(), m.from(), state.term(), m.sentAt(), g.last(), g.commitSeq()));
        } else if (outcome instanceof AcceptOutcome.StaleTerm s) {
            machine.reject(
                    m.from(),
                    "primary " + m.from() + " is in term " + m.term() + ", below this replica's term " + s.term());
        } else if (outcome instanceof AcceptOutcome.NotFollowing n) {
            machine.reject(
                    m.from(),
                    state.self() + " is " + n.role() + " in term " + n.term() + " and does not follow " + m.from());
        }
    }

    private void heardFromPrimary(Message.Append m) {
        machine.noticeRoleChange();
        lastPrimary = m.from();
        lastContact = machine.now();
        pausedSinceContact = 0;
        contactSinceBeat = true;
        primaryDisconnected = false;
        joined = true;
        joinFailures = 0;
        machine.problem("");
        if (m.servers() != null && m.servers().term() >= state.term()) {
            state.learnServers(m.servers());
        }
    }

    void beatAsHelper() {
        if (lastPrimary.isEmpty()) {
            return;
        }
        if (contactSinceBeat) {
            state.contactSucceeded(lastPrimary);
        } else {
            state.contactFailed(lastPrimary);
        }
        contactSinceBeat = false;
        if (joined && primaryLost() && state.primary().equals(lastPrimary)) {
            // Ask again: a primary that restarted lost its list of helpers.
            joined = false;
            machine.problem("no word from primary " + lastPrimary + " for " + (machine.now() - lastContact) + " ticks");
        }
    }

    void join() {
        if (joinFailures >= 2) {
            machine.problem("cannot replicate from primary " + state.primary() + ": no answer to HERETOHELP for "
                    + (machine.now() - lastContact) + " ticks");
        }
        machine.send(new Message.Join(state.self(), state.primary(), state.term(), state.last(), state.commitSeq()));
        joinFailures++;
        nextJoinAt = machine.now()
                + Math.min(settings.detectionTicks(), (long) settings.heartbeatTicks() << Math.min(joinFailures, 10));
    }

    void onRejected(Message.Rejected m) {
        if (m.term() > state.term()) {
            state.observeTerm(m.term(), m.primary());
            return;
        }
        if (state.role() != Role.HELPER || !m.from().equals(state.primary())) {
            return;
        }
        machine.problem("cannot replicate from " + m.from() + ": " + m.reason());
        if (!m.primary().isEmpty()
                && !m.primary().equals(m.from())
                && !m.primary().equals(state.self())
                && m.term() >= state.term()) {
            state.follow(m.primary(), m.term());
        }
    }

    /**
     * This replica did not run for {@code ticks} (a GC pause, a starved or throttled CPU): that silence is its own,
     * and the primary's messages of the time are still on their way to it, so the detector does not count it.
     * Counted at most up to the detection timeout in all, so a replica paused again and again still reports a dead
     * primary, at the latest after twice the timeout. Safe: it only ever reports later, after the old lease ended.
     */
    void paused(long ticks) {
        if (lastContact >= 0) {
            pausedSinceContact = Math.min(settings.detectionTicks(), pausedSinceContact + ticks);
        }
    }

    /**
     * Helper: an upper bound, in its own ticks, on how old its state is: every write acknowledged more than that
     * long ago is in it (one tick more than the ticks between: both ends lie anywhere within their tick). Empty
     * when no update of a serving primary proved it current since it began to follow.
     */
    OptionalLong stalenessTicks() {
        return state.role() != Role.HELPER || freshAsOf < 0
                ? OptionalLong.empty()
                : OptionalLong.of(machine.now() - freshAsOf + 1);
    }

    /** Helper: ticks since it last heard from {@link #lastPrimary()}; -1 if it never did. */
    long primaryContactAgeTicks() {
        return lastContact < 0 ? -1 : machine.now() - lastContact;
    }

    /**
     * Helper: it heard nothing from its primary for the detection timeout (counted from when it began to follow,
     * without its own pauses), or for two heartbeats since the primary's stream broke.
     */
    boolean primaryLost() {
        if (state.role() != Role.HELPER || lastContact < 0) {
            return false;
        }
        long silent = machine.now() - lastContact - pausedSinceContact;
        return silent >= settings.detectionTicks() || (primaryDisconnected && silent >= 2L * settings.heartbeatTicks());
    }

    String lastPrimary() {
        return lastPrimary;
    }
}
