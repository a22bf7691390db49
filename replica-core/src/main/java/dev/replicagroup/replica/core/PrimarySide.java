package dev.replicagroup.replica.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The primary's half of {@link ReplicaMachine}: each helper's progress, the updates streamed to it with a
 * bounded number in flight, the heartbeats, the lease the acks give, the promotion hold-off, and whether it
 * serves. The machine owns the clock and the outbox and tells this side about role changes.
 *
 * <p>Just over 300 lines: the flow control, the heartbeats and the lease all read and change the same per-helper
 * {@code Progress}, so they stay together.
 */
final class PrimarySide {
    private final ReplicaMachine machine;
    private final ReplicaState state;
    private final ProtocolSettings settings;
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    /** When each helper was last sent a snapshot (not kept in Progress: a re-sent HERETOHELP starts a new one). */
    private final Map<String, Long> snapshotSentAt = new HashMap<>();

    private long servingFrom;
    private long termStartSeq;

    /** The primary's view of one helper's log. */
    private static final class Progress {
        LogPosition sentUpTo;
        long sentCommit;
        LogPosition matched;
        int inflight;
        long ackedSentAt = -1;
        /** The helper's tick in its latest Accepted: what a fresh update proves it current as of. */
        HelperTick helperSentAt;

        boolean repliedSinceBeat;
        /** The matched position at the last heartbeat: no progress over a beat means updates were lost. */
        LogPosition matchedAtBeat;
        /** Nothing came back for a beat, or the helper was behind: one message at a time until it accepts one. */
        boolean probing;
        /** The tick the last update went out at: a new commit point alone waits for the next tick. */
        long sentAt = Long.MIN_VALUE;

        Progress(LogPosition sentUpTo, long sentCommit) {
            this.sentUpTo = sentUpTo;
            this.sentCommit = sentCommit;
        }
    }

    PrimarySide(ReplicaMachine machine, ReplicaState state, ProtocolSettings settings) {
        this.machine = machine;
        this.state = state;
        this.settings = settings;
    }

    /** Promoted in a new term: serve only {@code holdoffTicks} from now (the old primary's lease may run). */
    void promoted(long holdoffTicks) {
        servingFrom = machine.now() + Math.max(0, holdoffTicks);
    }

    /**
     * The role, term or primary changed: the progress of the old term is void. A new primary probes every known
     * server: fenced helpers of this term and replicas of lower terms follow the first primary of the highest
     * term they hear from, without waiting to be told.
     */
    void roleChanged(boolean newPrimary) {
        progress.clear();
        snapshotSentAt.clear();
        if (newPrimary) {
            machine.problem("");
            termStartSeq = state.last().seq();
            servingFrom = machine.now();
            for (String peer : state.peers()) {
                progress.put(peer, new Progress(state.last(), state.commitSeq()));
                pump(peer, progress.get(peer), true);
            }
        }
    }

    /** Whether the helper acked within the lease (it is connected, as far as status goes). */
    boolean inTouchWith(String helper) {
        Progress p = progress.get(helper);
        return p != null && p.ackedSentAt >= 0 && p.ackedSentAt + settings.leaseTicks() > machine.now();
    }

    void onJoin(Message.Join m) {
        if (m.term() > state.term()) {
            state.observeTerm(m.term(), "");
            machine.reject(
                    m.from(),
                    "helper " + m.from() + " is in term " + m.term() + ", above this replica's; it stepped down");
            return;
        }
        if (state.role() != Role.PRIMARY) {
            machine.reject(m.from(), notPrimaryText());
            return;
        }
        Decision admitted = state.admitHelper(m.from(), m.commitSeq());
        if (!admitted.accepted()) {
            machine.problem(admitted.reason());
            machine.reject(m.from(), admitted.reason());
            return;
        }
        state.helperJoined(m.from());
        progress.put(m.from(), new Progress(m.last(), m.commitSeq()));
        pump(m.from(), progress.get(m.from()), true);
    }

    void onAccepted(Message.Accepted m) {
        Progress p = replyFrom(m);
        if (p == null) {
            return;
        }
        p.inflight = Math.max(0, p.inflight - 1);
        p.probing = false;
        p.ackedSentAt = Math.max(p.ackedSentAt, m.echo());
        // (none from a helper of a version without bounded-staleness reads)
        if (m.sentAt() != null
                && (p.helperSentAt == null
                        || p.helperSentAt.incarnation() != m.sentAt().incarnation()
                        || p.helperSentAt.tick() < m.sentAt().tick())) {
            p.helperSentAt = m.sentAt();
        }
        p.repliedSinceBeat = true;
        if (p.matched == null || m.matched().seq() > p.matched.seq()) {
            p.matched = m.matched();
        }
        if (p.sentUpTo.seq() < p.matched.seq()) {
            p.sentUpTo = p.matched;
        }
        state.ack(m.from(), m.matched());
    }

    void onBehind(Message.Behind m) {
        Progress p = replyFrom(m);
        if (p == null) {
            return;
        }
        Decision admitted = state.admitHelper(m.from(), m.commitSeq());
        if (!admitted.accepted()) {
            machine.problem(admitted.reason());
            return;
        }
        p.ackedSentAt = Math.max(p.ackedSentAt, m.echo());
        p.repliedSinceBeat = true;
        p.sentUpTo = m.last();
        p.sentCommit = m.commitSeq();
        p.matched = null;
        p.inflight = 0;
        // One message until it answers: every Append still in flight may come back Behind too, and sending a
        // full window for each of those would multiply the messages with every round trip.
        p.probing = true;
        pump(m.from(), p, true);
    }

    /** The helper's progress if the reply is for this primary's current term; steps down on a higher term. */
    private Progress replyFrom(Message m) {
        if (m.term() > state.term()) {
            state.observeTerm(m.term(), "");
            return null;
        }
        if (state.role() != Role.PRIMARY || m.term() < state.term()) {
            return null;
        }
        return progress.computeIfAbsent(m.from(), h -> {
            state.helperJoined(h);
            return new Progress(state.last(), state.commitSeq());
        });
    }

    void heartbeat() {
        ActiveList servers = state.activeList();
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            if (p.repliedSinceBeat) {
                state.contactSucceeded(e.getKey());
            } else {
                state.contactFailed(e.getKey());
                // Nothing came back for a whole beat: what is in flight is likely lost; resend from what it holds.
                p.inflight = 0;
                p.probing = true;
                if (p.matched != null) {
                    p.sentUpTo = p.matched;
                }
            }
            p.repliedSinceBeat = false;
            if (p.matched != null && p.matched.seq() < p.sentUpTo.seq() && p.matched.equals(p.matchedAtBeat)) {
                // Replies come (to heartbeats) but the helper's position did not move for a beat although more
                // was sent: those updates were lost. Send them again.
                p.sentUpTo = p.matched;
                p.inflight = 0;
            }
            p.matchedAtBeat = p.matched;
            LogPosition at = p.matched != null ? p.matched : p.sentUpTo;
            long commit = Math.min(state.commitSeq(), at.seq());
            CatchUp beat = new CatchUp(at, null, List.of(), commit);
            machine.send(new Message.Append(
                    state.self(), e.getKey(), state.term(), machine.now(), beat, servers, freshAsOf(p, beat)));
        }
    }

    void pumpAll() {
        if (state.role() == Role.PRIMARY) {
            progress.forEach((helper, p) -> pump(helper, p, false));
        }
    }

    /**
     * Sends what the helper lacks, up to the in-flight limit; with {@code force} at least one message. A commit
     * point with no entry to carry it goes at most once a tick: under load the next update carries it, and an
     * ack then costs no extra round trip of its own.
     */
    private void pump(String helper, Progress p, boolean force) {
        int limit = p.probing ? 1 : settings.maxInflight();
        while (force
                || (p.inflight < limit
                        && (p.sentUpTo.seq() < state.last().seq()
                                || (p.sentCommit < state.commitSeq() && p.sentAt < machine.now())))) {
            long helperCommit = Math.min(p.sentCommit, p.sentUpTo.seq());
            if (state.catchUpNeedsSnapshot(p.sentUpTo, helperCommit)) {
                // A snapshot is the whole store: it takes the helper longer than a beat to receive and install, so
                // its silence, its re-sent HERETOHELP and its Behind answers meanwhile are not a loss. Sending
                // another each time copied the store and queued megabytes every beat, and stalled both ends past
                // the detection timeout (the 100-fault soak: helpers that installed 3-4 snapshots for one join).
                Long sent = snapshotSentAt.get(helper);
                if (sent != null && machine.now() - sent < settings.detectionTicks()) {
                    break;
                }
                snapshotSentAt.put(helper, machine.now());
            }
            CatchUp update = state.catchUpFor(p.sentUpTo, helperCommit, settings.maxBatch());
            // The first message of a (re)start carries the Active List, as THX does; heartbeats carry it after.
            machine.send(new Message.Append(
                    state.self(),
                    helper,
                    state.term(),
                    machine.now(),
                    update,
                    force ? state.activeList() : null,
                    freshAsOf(p, update)));
            force = false;
            p.sentAt = machine.now();
            p.sentUpTo = update.end();
            p.sentCommit = update.commitSeq();
            p.inflight++;
        }
    }

    /**
     * What the helper may count itself current as of once it applied {@code update}: its tick in the latest
     * Accepted received, if this primary serves (so its commit point covers every acknowledged write, and no other
     * primary acknowledges any) and the update carries that whole commit point; null otherwise. Every write
     * acknowledged before that tick was acknowledged before now, so it is at or below the commit point sent.
     */
    private HelperTick freshAsOf(Progress p, CatchUp update) {
        return serving()
                        && update.commitSeq() == state.commitSeq()
                        && update.end().seq() >= state.commitSeq()
                ? p.helperSentAt
                : null;
    }

    /** Holds the lease: enough helpers acked, within the lease, a heartbeat or update sent in this term. */
    private boolean leaseHeld() {
        return leaseEnd() > machine.now();
    }

    /** The tick the lease runs out at: the quorum-th latest helper expiry (never, when no quorum is needed). */
    private long leaseEnd() {
        int need = leaseQuorum();
        if (need == 0) {
            return Long.MAX_VALUE;
        }
        List<Long> expiries = leaseExpiries();
        return expiries.size() < need ? Long.MIN_VALUE : expiries.get(need - 1);
    }

    private int leaseQuorum() {
        // A primary that never knew another replica has nobody to lose touch with, and nobody who could be
        // promoted in its place: it serves (so that it turns Ready and its helpers get created).
        return state.peers().isEmpty() ? 0 : Math.max(1, state.syncAcks());
    }

    /** When each helper's lease contribution runs out, latest first. */
    private List<Long> leaseExpiries() {
        return progress.values().stream()
                .filter(p -> p.ackedSentAt >= 0)
                .map(p -> p.ackedSentAt + settings.leaseTicks())
                .sorted((a, b) -> Long.compare(b, a))
                .toList();
    }

    /**
     * The primary answers reads and takes writes: it holds its lease, its hold-off is over, and it committed the
     * first entry of its term (before that, entries of earlier terms it holds may be committed without it
     * knowing, so its state could be older than an acknowledged write).
     */
    boolean serving() {
        return state.role() == Role.PRIMARY
                && !machine.retiring()
                && machine.now() >= servingFrom
                && leaseHeld()
                && state.commitSeq() >= termStartSeq;
    }

    /** Primary: ticks until the lease runs out without another ack (0 when it has). */
    long leaseRemainingTicks() {
        if (state.role() != Role.PRIMARY || leaseQuorum() == 0) {
            return 0;
        }
        long end = leaseEnd();
        return end > machine.now() ? end - machine.now() : 0;
    }

    /**
     * Ticks left of the promotion hold-off this replica was given, whatever its role now: fenced while it waited,
     * it passes the rest on, since the primary before it may still hold its lease.
     */
    long holdoffRemainingTicks() {
        return Math.max(0, servingFrom - machine.now());
    }

    /** Primary: why it does not serve now (empty when it does, or is no primary). */
    Optional<String> whyNotServing() {
        return state.role() == Role.PRIMARY && !serving() ? Optional.of(notServingWhy()) : Optional.empty();
    }

    String notServingWhy() {
        if (machine.retiring()) {
            return "primary " + state.self() + " is shutting down; a helper takes over";
        }
        if (machine.now() < servingFrom) {
            return "the new primary " + state.self() + " waits " + (servingFrom - machine.now())
                    + " more tick(s) for the old" + " primary's lease to run out";
        }
        if (leaseHeld()) {
            return "the new primary " + state.self() + " has not yet committed the first entry of term " + state.term()
                    + " (waiting for " + Math.max(1, state.syncAcks()) + " helper ack(s))";
        }
        long fresh = leaseExpiries().stream().filter(t -> t > machine.now()).count();
        return "primary " + state.self() + " lost its lease: " + fresh + " of the " + leaseQuorum() + " helper(s) it"
                + " needs acked within " + settings.leaseTicks() + " ticks (cut off from its helpers?); it takes no"
                + " reads or writes until they answer again";
    }

    private String notPrimaryText() {
        return state.self() + " is " + state.role() + " in term " + state.term()
                + (state.primary().isEmpty() ? "; no primary is known" : "; the primary is " + state.primary());
    }
}
