package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The replica's protocol as a deterministic state machine, driven only by messages ({@link #step}), ticks
 * ({@link #tick}) and local commands (writes, reads, promote, fence, follow); what it wants sent comes out of
 * {@link #ready()}. No threads, sockets or clock: the driver owns those (etcd raft's Step / Tick / Ready).
 *
 * <p>The rules it adds to {@link ReplicaState}: a primary streams updates to each helper with a bounded number
 * in flight, heartbeats every helper, and serves (answers reads, takes writes) only while it holds its lease and
 * after its promotion hold-off; a helper joins its primary, answers every update with its position, and tracks
 * how long ago it last heard from its primary (the failure detector the operator reads).
 *
 * <p>This class takes the inputs, owns the clock, the outbox and the role-change bookkeeping, and hands each input
 * to the side it concerns: {@link PrimarySide} (progress, pumping, heartbeats, lease, serving) or
 * {@link HelperSide} (join, answers to updates, the failure detector).
 */
public final class ReplicaMachine {
    private final ReplicaState state;
    private final ProtocolSettings settings;
    private final List<Message> outbox = new ArrayList<>();
    private final PrimarySide primary;
    private final HelperSide helper;
    private final long incarnation;
    private long now;
    private long lastBeat;
    private Role seenRole;
    private long seenTerm;
    private String seenPrimary;
    private String problem = "";
    /** The process is shutting down: as primary it serves nothing more, while it still answers the failover. */
    private boolean retiring;
    /** A switchover hands over: as primary it takes no writes before this tick, so a helper can catch up. */
    private long writesPausedUntil;

    /**
     * {@code incarnation} tells this process's clock from the one before a restart (see {@link HelperTick}): any
     * value no earlier incarnation of this replica had, such as a random number.
     */
    public ReplicaMachine(ReplicaState state, ProtocolSettings settings, long incarnation) {
        this.state = state;
        this.settings = settings;
        this.incarnation = incarnation;
        this.primary = new PrimarySide(this, state, settings);
        this.helper = new HelperSide(this, state, settings);
        noticeRoleChange();
    }

    long incarnation() {
        return incarnation;
    }

    // ------------------------------------------------------------------ inputs

    /** {@code ticks} ticks have passed (more than one after the driver was paused). */
    public void tick(int ticks) {
        now += ticks;
        // Many ticks at once: this replica did not run meanwhile (the driver ticks every tick it runs).
        if (ticks > settings.heartbeatTicks()) {
            helper.paused(ticks);
        }
        if (now - lastBeat >= settings.heartbeatTicks()) {
            lastBeat = now;
            if (state.role() == Role.PRIMARY) {
                primary.heartbeat();
            } else if (state.role() == Role.HELPER) {
                helper.beatAsHelper();
            }
        }
        if (state.role() == Role.HELPER && helper.joinDue()) {
            helper.join();
        }
        noticeRoleChange();
    }

    public void step(Message message) {
        if (message.from().equals(state.self()) || !message.to().equals(state.self())) {
            return;
        }
        if (message instanceof Message.Join m) {
            primary.onJoin(m);
        } else if (message instanceof Message.Append m) {
            helper.onAppend(m);
        } else if (message instanceof Message.Accepted m) {
            primary.onAccepted(m);
        } else if (message instanceof Message.Behind m) {
            primary.onBehind(m);
        } else if (message instanceof Message.Rejected m) {
            helper.onRejected(m);
        }
        noticeRoleChange();
    }

    public ProposeOutcome propose(WriteId id, Operation op) {
        if (state.role() == Role.PRIMARY && !serving()) {
            return new ProposeOutcome.NotServing(state.term(), primary.notServingWhy());
        }
        if (state.role() == Role.PRIMARY && writesPausedTicks() > 0) {
            return new ProposeOutcome.NotServing(
                    state.term(),
                    "primary " + state.self() + " hands over to another replica (switchover); the write goes to the"
                            + " new primary");
        }
        return state.propose(id, op);
    }

    /** A linearizable read: the committed value, or why this replica may not answer now. */
    public ReadOutcome read(String key) {
        if (state.role() != Role.PRIMARY) {
            return new ReadOutcome.NotPrimary(state.role(), state.term(), state.primary());
        }
        if (!serving()) {
            return new ReadOutcome.NotServing(state.term(), primary.notServingWhy());
        }
        return new ReadOutcome.Value(state.get(key), state.appliedSeq(), 0);
    }

    /**
     * A read with bounded staleness: the primary answers as {@link #read} does (staleness 0); a helper answers from
     * its committed state when every write acknowledged more than {@code maxStalenessTicks} ago is in it, and says
     * why not otherwise. Its staleness is measured on its own clock since an update of its serving primary last
     * proved it current (see {@link Message.Append#freshAsOf}), plus the clock-drift allowance for that time.
     */
    public ReadOutcome readWithin(String key, long maxStalenessTicks) {
        if (state.role() != Role.HELPER) {
            return read(key);
        }
        OptionalLong staleness = stalenessTicks();
        if (staleness.isEmpty()) {
            return new ReadOutcome.NotServing(
                    state.term(),
                    "helper " + state.self() + " has no update from a serving primary since it began to follow "
                            + (state.primary().isEmpty() ? "one" : state.primary())
                            + "; read from the primary or another helper");
        }
        if (staleness.getAsLong() > maxStalenessTicks) {
            return new ReadOutcome.NotServing(
                    state.term(),
                    "helper " + state.self() + " may be " + staleness.getAsLong() + " tick(s) behind its primary "
                            + state.primary() + ", more than the " + maxStalenessTicks
                            + " the read allows; read from the primary or another helper");
        }
        return new ReadOutcome.Value(state.get(key), state.appliedSeq(), staleness.getAsLong());
    }

    /**
     * Helper: how old its state may be, in ticks, clock drift included (every write acknowledged longer ago is in
     * it); empty when nothing proved it current since it began to follow its primary. Empty for other roles.
     */
    public OptionalLong stalenessTicks() {
        OptionalLong own = helper.stalenessTicks();
        if (own.isEmpty()) {
            return own;
        }
        long ticks = own.getAsLong();
        // The drift allowance is per lease; a longer stretch may drift proportionally more.
        long drift = (ticks * settings.clockDriftTicks() + settings.leaseTicks() - 1) / settings.leaseTicks();
        return OptionalLong.of(ticks + drift);
    }

    /**
     * The driver saw the stream of messages from {@code peer} end: its process exited or the connection broke.
     * A helper then reports its primary lost after two silent heartbeats instead of the whole detection timeout;
     * the promotion hold-off, computed from the contact ages, still covers whatever lease the primary may hold.
     */
    public void disconnected(String peer) {
        if (state.role() == Role.HELPER) {
            helper.disconnected(peer);
        }
    }

    /**
     * The process is about to stop (SIGTERM): a primary stops serving at once, so that the failover finds it
     * fenced-by-itself and needs no hold-off, and stays a primary only to answer the fence.
     */
    public void retire() {
        retiring = true;
    }

    /**
     * A planned switchover: as the primary of {@code term}, take no new writes for {@code ticks} ticks while the
     * updates already taken stream on, so the chosen helper holds everything before the fence. Reads go on; a
     * promotion or fence ends the pause, and it runs out by itself if the operator that asked for it goes away.
     */
    public Decision pauseWrites(long term, long ticks) {
        if (state.role() != Role.PRIMARY || state.term() != term) {
            return Decision.refused(state.self() + " is " + state.role() + " in term " + state.term()
                    + ", not the primary of term " + term + "; nothing to pause");
        }
        writesPausedUntil = now + Math.max(0, ticks);
        return Decision.OK;
    }

    /** Primary: ticks left of a switchover's write pause (0 when none). */
    public long writesPausedTicks() {
        return Math.max(0, writesPausedUntil - now);
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
            primary.promoted(holdoffTicks);
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

    /**
     * What to make durable, what to send, and the entries applied, since the last call. The driver sends the
     * Ready's {@code sendAtOnce} messages, makes the changes durable, calls {@link #persisted}, then sends the
     * rest and answers; if it cannot make them durable it sends nothing more and answers no write with success
     * (the protocol repairs lost messages), and the next Ready carries the same changes again, with whatever came
     * since.
     */
    public Ready ready() {
        // Updates go out here, once per batch of inputs, not per write or ack: one message then carries every
        // entry that arrived meanwhile (and the commit point), which is what makes a busy primary cheap per write.
        primary.pumpAll();
        Ready ready = Ready.of(outbox, state.role(), state.drainApplied(), state.durableChanges());
        outbox.clear();
        return ready;
    }

    /**
     * The driver made the last Ready's durable changes durable, with no input in between (etcd raft's
     * MsgStorageAppendResp): a primary now counts its own copy of those entries, which may commit entries its
     * helpers acked while it wrote them; the next {@link #ready()} carries what that applied and the new commit.
     */
    public void persisted() {
        state.markDurable();
    }

    // ------------------------------------------------------------------ serving (primary) and detection (helper)

    /**
     * The primary answers reads and takes writes: it holds its lease, its hold-off is over, and it committed the
     * first entry of its term (before that, entries of earlier terms it holds may be committed without it
     * knowing, so its state could be older than an acknowledged write).
     */
    public boolean serving() {
        return primary.serving();
    }

    /** Primary: ticks until the lease runs out without another ack (0 when it has). */
    public long leaseRemainingTicks() {
        return primary.leaseRemainingTicks();
    }

    /**
     * Ticks left of the promotion hold-off this replica was given, whatever its role now: fenced while it waited,
     * it passes the rest on, since the primary before it may still hold its lease.
     */
    public long holdoffRemainingTicks() {
        return primary.holdoffRemainingTicks();
    }

    /** Primary: why it does not serve now (empty when it does, or is no primary). */
    public Optional<String> whyNotServing() {
        return primary.whyNotServing();
    }

    /** Helper: ticks since it last heard from {@link #lastPrimary()}; -1 if it never did. */
    public long primaryContactAgeTicks() {
        return helper.primaryContactAgeTicks();
    }

    /**
     * Helper: it heard nothing from its primary for the detection timeout (counted from when it began to follow),
     * or for two heartbeats since the primary's stream broke.
     */
    public boolean primaryLost() {
        return helper.primaryLost();
    }

    public String lastPrimary() {
        return helper.lastPrimary();
    }

    // ------------------------------------------------------------------ shared

    void reject(String to, String why) {
        send(new Message.Rejected(state.self(), to, state.term(), state.primary(), why));
    }

    void send(Message message) {
        outbox.add(message);
    }

    void problem(String problem) {
        this.problem = problem;
    }

    boolean retiring() {
        return retiring;
    }

    /** Resets what belongs to the old role when ReplicaState changed role, term or primary. */
    void noticeRoleChange() {
        if (state.role() == seenRole
                && state.term() == seenTerm
                && state.primary().equals(seenPrimary)) {
            return;
        }
        boolean newPrimary = state.role() == Role.PRIMARY && (seenRole != Role.PRIMARY || seenTerm != state.term());
        seenRole = state.role();
        seenTerm = state.term();
        seenPrimary = state.primary();
        writesPausedUntil = 0;
        primary.roleChanged(newPrimary);
        helper.roleChanged();
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
        return primary.inTouchWith(helper);
    }
}
