package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replica's protocol as a deterministic state machine, driven only by messages ({@link #step}), ticks
 * ({@link #tick}) and local commands (writes, reads, promote, fence, follow); what it wants sent comes out of
 * {@link #ready()}. No threads, sockets or clock: the driver owns those (etcd raft's Step / Tick / Ready).
 *
 * <p>The rules it adds to {@link ReplicaState}: a primary streams updates to each helper with a bounded number
 * in flight, heartbeats every helper, and serves (answers reads, takes writes) only while it holds its lease and
 * after its promotion hold-off; a helper joins its primary, answers every update with its position, and tracks
 * how long ago it last heard from its primary (the failure detector the operator reads).
 */
public final class ReplicaMachine {
    private final ReplicaState state;
    private final ProtocolSettings settings;
    private final List<Message> outbox = new ArrayList<>();
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    private long now;
    private long lastBeat;
    private Role seenRole;
    private long seenTerm;
    private String seenPrimary;
    // Primary.
    private long servingFrom;
    private long termStartSeq;
    // Helper.
    private String lastPrimary = "";
    private long lastContact = -1;
    private boolean contactSinceBeat;
    /** The stream from lastPrimary broke (its process exited, or the connection was reset) after its last word. */
    private boolean primaryDisconnected;
    private boolean joined;
    private long nextJoinAt;
    private int joinFailures;
    private String problem = "";
    /** The process is shutting down: as primary it serves nothing more, while it still answers the failover. */
    private boolean retiring;

    /** The primary's view of one helper's log. */
    private static final class Progress {
        LogPosition sentUpTo;
        long sentCommit;
        LogPosition matched;
        int inflight;
        long ackedSentAt = -1;
        boolean repliedSinceBeat;
        /** The matched position at the last heartbeat: no progress over a beat means updates were lost. */
        LogPosition matchedAtBeat;
        /** Nothing came back for a beat, or the helper was behind: one message at a time until it accepts one. */
        boolean probing;

        Progress(LogPosition sentUpTo, long sentCommit) {
            this.sentUpTo = sentUpTo;
            this.sentCommit = sentCommit;
        }
    }

    public ReplicaMachine(ReplicaState state, ProtocolSettings settings) {
        this.state = state;
        this.settings = settings;
        noticeRoleChange();
    }

    // ------------------------------------------------------------------ inputs

    /** {@code ticks} ticks have passed (more than one after the driver was paused). */
    public void tick(int ticks) {
        now += ticks;
        if (now - lastBeat >= settings.heartbeatTicks()) {
            lastBeat = now;
            if (state.role() == Role.PRIMARY) {
                heartbeat();
            } else if (state.role() == Role.HELPER) {
                beatAsHelper();
            }
        }
        if (state.role() == Role.HELPER && !joined && !state.primary().isEmpty() && now >= nextJoinAt) {
            join();
        }
        noticeRoleChange();
    }

    public void step(Message message) {
        if (message.from().equals(state.self()) || !message.to().equals(state.self())) {
            return;
        }
        if (message instanceof Message.Join m) {
            onJoin(m);
        } else if (message instanceof Message.Append m) {
            onAppend(m);
        } else if (message instanceof Message.Accepted m) {
            onAccepted(m);
        } else if (message instanceof Message.Behind m) {
            onBehind(m);
        } else if (message instanceof Message.Rejected m) {
            onRejected(m);
        }
        noticeRoleChange();
    }

    public ProposeOutcome propose(WriteId id, Operation op) {
        if (state.role() == Role.PRIMARY && !serving()) {
            return new ProposeOutcome.NotServing(state.term(), notServingWhy());
        }
        ProposeOutcome outcome = state.propose(id, op);
        pumpAll();
        return outcome;
    }

    /** A linearizable read: the committed value, or why this replica may not answer now. */
    public ReadOutcome read(String key) {
        if (state.role() != Role.PRIMARY) {
            return new ReadOutcome.NotPrimary(state.role(), state.term(), state.primary());
        }
        if (!serving()) {
            return new ReadOutcome.NotServing(state.term(), notServingWhy());
        }
        return new ReadOutcome.Value(state.get(key), state.appliedSeq());
    }

    /**
     * The driver saw the stream of messages from {@code peer} end: its process exited or the connection broke.
     * A helper then reports its primary lost after two silent heartbeats instead of the whole detection timeout;
     * the promotion hold-off, computed from the contact ages, still covers whatever lease the primary may hold.
     */
    public void disconnected(String peer) {
        if (state.role() == Role.HELPER && peer.equals(lastPrimary)) {
            primaryDisconnected = true;
        }
    }

    /**
     * The process is about to stop (SIGTERM): a primary stops serving at once, so that the failover finds it
     * fenced-by-itself and needs no hold-off, and stays a primary only to answer the fence.
     */
    public void retire() {
        retiring = true;
    }

    /** Promote in {@code term}; serve only {@code holdoffTicks} from now (the old primary's lease may run). */
    public Decision promote(long term, long holdoffTicks) {
        if (retiring) {
            return Decision.refused(state.self() + " is shutting down; promote another replica");
        }
        boolean already = state.role() == Role.PRIMARY && state.term() == term;
        Decision decision = state.promote(term);
        if (decision.accepted() && !already) {
            noticeRoleChange();
            servingFrom = now + Math.max(0, holdoffTicks);
        }
        return decision;
    }

    public Decision fence(long term) {
        Decision decision = state.fence(term);
        noticeRoleChange();
        return decision;
    }

    public Decision follow(String primary, long term) {
        Decision decision = state.follow(primary, term);
        noticeRoleChange();
        return decision;
    }

    /** What to send, and the entries applied, since the last call. */
    public Ready ready() {
        Ready ready = new Ready(List.copyOf(outbox), state.drainApplied());
        outbox.clear();
        return ready;
    }

    // ------------------------------------------------------------------ primary

    private void onJoin(Message.Join m) {
        if (m.term() > state.term()) {
            state.observeTerm(m.term(), "");
            reject(m.from(), "helper " + m.from() + " is in term " + m.term() + ", above this replica's; it stepped down");
            return;
        }
        if (state.role() != Role.PRIMARY) {
            reject(m.from(), notPrimaryText());
            return;
        }
        Decision admitted = state.admitHelper(m.from(), m.commitSeq());
        if (!admitted.accepted()) {
            problem = admitted.reason();
            reject(m.from(), admitted.reason());
            return;
        }
        state.helperJoined(m.from());
        progress.put(m.from(), new Progress(m.last(), m.commitSeq()));
        pump(m.from(), progress.get(m.from()), true);
    }

    private void onAccepted(Message.Accepted m) {
        Progress p = replyFrom(m);
        if (p == null) {
            return;
        }
        p.inflight = Math.max(0, p.inflight - 1);
        p.probing = false;
        p.ackedSentAt = Math.max(p.ackedSentAt, m.echo());
        p.repliedSinceBeat = true;
        if (p.matched == null || m.matched().seq() > p.matched.seq()) {
            p.matched = m.matched();
        }
        if (p.sentUpTo.seq() < p.matched.seq()) {
            p.sentUpTo = p.matched;
        }
        state.ack(m.from(), m.matched());
        pumpAll();
    }

    private void onBehind(Message.Behind m) {
        Progress p = replyFrom(m);
        if (p == null) {
            return;
        }
        Decision admitted = state.admitHelper(m.from(), m.commitSeq());
        if (!admitted.accepted()) {
            problem = admitted.reason();
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

    private void heartbeat() {
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
            send(new Message.Append(state.self(), e.getKey(), state.term(), now,
                    new CatchUp(at, null, List.of(), commit), servers));
        }
        pumpAll();
    }

    private void pumpAll() {
        if (state.role() == Role.PRIMARY) {
            progress.forEach((helper, p) -> pump(helper, p, false));
        }
    }

    /** Sends what the helper lacks, up to the in-flight limit; with {@code force} at least one message. */
    private void pump(String helper, Progress p, boolean force) {
        int limit = p.probing ? 1 : settings.maxInflight();
        while (force || (p.inflight < limit
                && (p.sentUpTo.seq() < state.last().seq() || p.sentCommit < state.commitSeq()))) {
            long helperCommit = Math.min(p.sentCommit, p.sentUpTo.seq());
            CatchUp update = state.catchUpFor(p.sentUpTo, helperCommit, settings.maxBatch());
            // The first message of a (re)start carries the Active List, as THX does; heartbeats carry it after.
            send(new Message.Append(state.self(), helper, state.term(), now, update, force ? state.activeList() : null));
            force = false;
            p.sentUpTo = update.end();
            p.sentCommit = update.commitSeq();
            p.inflight++;
        }
    }

    /** Holds the lease: enough helpers acked, within the lease, a heartbeat or update sent in this term. */
    private boolean leaseHeld() {
        return leaseEnd() > now;
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
        return progress.values().stream().filter(p -> p.ackedSentAt >= 0)
                .map(p -> p.ackedSentAt + settings.leaseTicks()).sorted((a, b) -> Long.compare(b, a)).toList();
    }

    /**
     * The primary answers reads and takes writes: it holds its lease, its hold-off is over, and it committed the
     * first entry of its term (before that, entries of earlier terms it holds may be committed without it
     * knowing, so its state could be older than an acknowledged write).
     */
    public boolean serving() {
        return state.role() == Role.PRIMARY && !retiring && now >= servingFrom && leaseHeld()
                && state.commitSeq() >= termStartSeq;
    }

    /** Primary: ticks until the lease runs out without another ack (0 when it has). */
    public long leaseRemainingTicks() {
        if (state.role() != Role.PRIMARY || leaseQuorum() == 0) {
            return 0;
        }
        long end = leaseEnd();
        return end > now ? end - now : 0;
    }

    /**
     * Ticks left of the promotion hold-off this replica was given, whatever its role now: fenced while it waited,
     * it passes the rest on, since the primary before it may still hold its lease.
     */
    public long holdoffRemainingTicks() {
        return Math.max(0, servingFrom - now);
    }

    /** Primary: why it does not serve now (empty when it does, or is no primary). */
    public Optional<String> whyNotServing() {
        return state.role() == Role.PRIMARY && !serving() ? Optional.of(notServingWhy()) : Optional.empty();
    }

    private String notServingWhy() {
        if (retiring) {
            return "primary " + state.self() + " is shutting down; a helper takes over";
        }
        if (now < servingFrom) {
            return "the new primary " + state.self() + " waits " + (servingFrom - now) + " more tick(s) for the old"
                    + " primary's lease to run out";
        }
        if (leaseHeld()) {
            return "the new primary " + state.self() + " has not yet committed the first entry of term " + state.term()
                    + " (waiting for " + Math.max(1, state.syncAcks()) + " helper ack(s))";
        }
        long fresh = leaseExpiries().stream().filter(t -> t > now).count();
        return "primary " + state.self() + " lost its lease: " + fresh + " of the " + leaseQuorum() + " helper(s) it"
                + " needs acked within " + settings.leaseTicks() + " ticks (cut off from its helpers?); it takes no"
                + " reads or writes until they answer again";
    }

    // ------------------------------------------------------------------ helper

    private void onAppend(Message.Append m) {
        AcceptOutcome outcome = state.accept(m.term(), m.from(), m.update());
        if (outcome instanceof AcceptOutcome.Accepted a) {
            heardFromPrimary(m);
            send(new Message.Accepted(state.self(), m.from(), state.term(), m.sentAt(), a.matched()));
        } else if (outcome instanceof AcceptOutcome.Gap g) {
            heardFromPrimary(m);
            send(new Message.Behind(state.self(), m.from(), state.term(), m.sentAt(), g.last(), g.commitSeq()));
        } else if (outcome instanceof AcceptOutcome.StaleTerm s) {
            reject(m.from(), "primary " + m.from() + " is in term " + m.term() + ", below this replica's term "
                    + s.term());
        } else if (outcome instanceof AcceptOutcome.NotFollowing n) {
            reject(m.from(), state.self() + " is " + n.role() + " in term " + n.term() + " and does not follow "
                    + m.from());
        }
    }

    private void heardFromPrimary(Message.Append m) {
        noticeRoleChange();
        lastPrimary = m.from();
        lastContact = now;
        contactSinceBeat = true;
        primaryDisconnected = false;
        joined = true;
        joinFailures = 0;
        problem = "";
        if (m.servers() != null && m.servers().term() >= state.term()) {
            state.learnServers(m.servers());
        }
    }

    private void beatAsHelper() {
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
            problem = "no word from primary " + lastPrimary + " for " + (now - lastContact) + " ticks";
        }
    }

    private void join() {
        if (joinFailures >= 2) {
            problem = "cannot replicate from primary " + state.primary() + ": no answer to HERETOHELP for "
                    + (now - lastContact) + " ticks";
        }
        send(new Message.Join(state.self(), state.primary(), state.term(), state.last(), state.commitSeq()));
        joinFailures++;
        nextJoinAt = now + Math.min(settings.detectionTicks(), (long) settings.heartbeatTicks() << Math.min(joinFailures, 10));
    }

    private void onRejected(Message.Rejected m) {
        if (m.term() > state.term()) {
            state.observeTerm(m.term(), m.primary());
            return;
        }
        if (state.role() != Role.HELPER || !m.from().equals(state.primary())) {
            return;
        }
        problem = "cannot replicate from " + m.from() + ": " + m.reason();
        if (!m.primary().isEmpty() && !m.primary().equals(m.from()) && !m.primary().equals(state.self())
                && m.term() >= state.term()) {
            state.follow(m.primary(), m.term());
        }
    }

    /** Helper: ticks since it last heard from {@link #lastPrimary()}; -1 if it never did. */
    public long primaryContactAgeTicks() {
        return lastContact < 0 ? -1 : now - lastContact;
    }

    /**
     * Helper: it heard nothing from its primary for the detection timeout (counted from when it began to follow),
     * or for two heartbeats since the primary's stream broke.
     */
    public boolean primaryLost() {
        if (state.role() != Role.HELPER || lastContact < 0) {
            return false;
        }
        long silent = now - lastContact;
        return silent >= settings.detectionTicks() || (primaryDisconnected && silent >= 2L * settings.heartbeatTicks());
    }

    public String lastPrimary() {
        return lastPrimary;
    }

    // ------------------------------------------------------------------ shared

    private void reject(String to, String why) {
        send(new Message.Rejected(state.self(), to, state.term(), state.primary(), why));
    }

    private void send(Message message) {
        outbox.add(message);
    }

    private String notPrimaryText() {
        return state.self() + " is " + state.role() + " in term " + state.term() + (state.primary().isEmpty()
                ? "; no primary is known" : "; the primary is " + state.primary());
    }

    /** Resets what belongs to the old role when ReplicaState changed role, term or primary. */
    private void noticeRoleChange() {
        if (state.role() == seenRole && state.term() == seenTerm && state.primary().equals(seenPrimary)) {
            return;
        }
        boolean newPrimary = state.role() == Role.PRIMARY && (seenRole != Role.PRIMARY || seenTerm != state.term());
        seenRole = state.role();
        seenTerm = state.term();
        seenPrimary = state.primary();
        progress.clear();
        if (newPrimary) {
            problem = "";
            termStartSeq = state.last().seq();
            servingFrom = now;
            // Probe every known server: fenced helpers of this term and replicas of lower terms follow the
            // first primary of the highest term they hear from, without waiting to be told.
            for (String peer : state.peers()) {
                progress.put(peer, new Progress(state.last(), state.commitSeq()));
                pump(peer, progress.get(peer), true);
            }
        }
        if (state.role() == Role.HELPER && !state.primary().isEmpty() && !state.primary().equals(lastPrimary)) {
            // A new primary to follow: the detector starts counting from now, not from the old one's last word.
            lastPrimary = state.primary();
            lastContact = now;
            primaryDisconnected = false;
        }
        joined = false;
        joinFailures = 0;
        nextJoinAt = now;
    }

    // ------------------------------------------------------------------ observation

    public ReplicaState state() {
        return state;
    }

    public ProtocolSettings settings() {
        return settings;
    }

    public long now() {
        return now;
    }

    public String problem() {
        return problem;
    }

    /** Primary: whether the helper acked within the lease (it is connected, as far as status goes). */
    public boolean inTouchWith(String helper) {
        Progress p = progress.get(helper);
        return p != null && p.ackedSentAt >= 0 && p.ackedSentAt + settings.leaseTicks() > now;
    }

    /** What the driver must do after an input: send these messages, answer the writes of these entries. */
    public record Ready(List<Message> messages, List<Applied> applied) {
    }
}
