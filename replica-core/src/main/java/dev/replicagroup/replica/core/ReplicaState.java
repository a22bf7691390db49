package dev.replicagroup.replica.core;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replicated state machine of one replica: role and term, the helpers' acks, and the safety rules that move
 * them, over the replica's data ({@link ReplicaData}: log, applied state, commit point) and the servers it knows
 * ({@link KnownServers}). Deterministic: no threads, no clock, no I/O. The protocol engine calls it, one call at
 * a time, and performs what it asks for.
 *
 * <p>Safety, in short: a primary orders writes in its term and commits an entry once it is durable on the
 * primary itself and {@code syncAcks} helpers hold it (durably: a helper acks after its own persist); it commits
 * only through an entry of its own term (each term starts with a no-op), so an older term's unacknowledged suffix
 * is never committed by counting. A replica rejects updates from lower terms and steps down on seeing a higher
 * one; a helper drops a conflicting suffix, never a committed entry.
 *
 * <p>Why it is still over 300 lines: each rule above reads or changes role, term, primary and commit point
 * together (promote appends the term's no-op and resets the acks; accept checks the term, truncates the suffix and
 * advances the commit; fence and follow move the term), so split by role or operation one rule would live in two
 * classes that must agree on the same fields. About a quarter of it is one-line getters and delegations that keep
 * this class the engine's one entry point.
 */
public final class ReplicaState {
    private final String self;
    private final int syncAcks;
    private Role role;
    private long term;
    private String primary;
    private boolean caughtUp;
    private final ReplicaData data = new ReplicaData();
    private final Map<String, Long> helperAcks = new LinkedHashMap<>();
    private final KnownServers known = new KnownServers();
    /**
     * The primary of the current term this replica knew before it restarted: it comes back knowing no primary, but
     * must not be promoted in that term, nor follow another primary of it.
     */
    private String formerPrimary = "";

    private HardState durableHardState = HardState.NONE;

    private ReplicaState(String self, int syncAcks, Role role, long term, String primary) {
        if (syncAcks < 0) {
            throw new IllegalArgumentException("syncAcks must be 0 or more, got " + syncAcks);
        }
        this.self = self;
        this.syncAcks = syncAcks;
        this.role = role;
        this.term = term;
        this.primary = primary;
        this.caughtUp = role == Role.PRIMARY;
    }

    /** A replica started without a primary to help: the primary of term 1. */
    public static ReplicaState newPrimary(String self, int syncAcks) {
        return new ReplicaState(self, syncAcks, Role.PRIMARY, 1, self);
    }

    /** A replica started to help {@code primary} (the seed's {@code --tbc}); it learns the term on joining. */
    public static ReplicaState newHelper(String self, int syncAcks, String primary) {
        ReplicaState state = new ReplicaState(self, syncAcks, Role.HELPER, 0, primary);
        state.known.primaryIs(primary);
        return state;
    }

    /**
     * A replica that must not start as a primary (--no-bootstrap): fenced in term 0 with an empty log, it waits for
     * the operator to promote it or make it follow a primary.
     */
    public static ReplicaState newFenced(String self, int syncAcks) {
        return new ReplicaState(self, syncAcks, Role.FENCED, 0, "");
    }

    /**
     * A replica restarted with the state its storage held: fenced in its recovered term with its recovered log,
     * knowing no primary, or, with {@code tbc}, a helper of that primary that catches up from its own position.
     */
    public static ReplicaState recovered(String self, int syncAcks, RecoveredState recovered, String tbc) {
        HardState hard = recovered.hardState();
        ReplicaState state = tbc.isEmpty()
                ? new ReplicaState(self, syncAcks, Role.FENCED, hard.term(), "")
                : newHelper(self, syncAcks, tbc);
        state.term = hard.term();
        state.formerPrimary = hard.primary();
        state.caughtUp = hard.caughtUp();
        hard.peers().forEach(state.known::remembered);
        state.durableHardState = hard;
        state.data.restore(recovered);
        return state;
    }

    // ------------------------------------------------------------------ writes and reads (primary)

    public ProposeOutcome propose(WriteId id, Operation op) {
        if (role != Role.PRIMARY) {
            return new ProposeOutcome.NotPrimary(role, term, primary);
        }
        if (!id.clientId().isEmpty()) {
            Optional<ProposeOutcome> retry = data.retryOf(id);
            if (retry.isPresent()) {
                return retry.get();
            }
        }
        Entry entry = new Entry(term, data.lastSeq() + 1, id, op);
        data.append(entry);
        advanceCommit();
        return new ProposeOutcome.Appended(entry.term(), entry.seq());
    }

    public Optional<byte[]> get(String key) {
        return data.get(key);
    }

    /** The entries applied since the last call, in order: the engine answers the writes waiting on them. */
    public List<Applied> drainApplied() {
        return data.drainApplied();
    }

    // ------------------------------------------------------------------ replication (primary side)

    /** A helper reports that it holds our log up to {@code position}. */
    public void ack(String helper, LogPosition position) {
        if (role != Role.PRIMARY || !data.contains(position)) {
            return;
        }
        helperAcks.merge(helper, position.seq(), Math::max);
        known.helper(helper);
        advanceCommit();
    }

    /**
     * Whether this primary may lead a helper that has committed up to {@code helperCommit}. A helper never
     * holds committed entries its primary lacks, unless the primary lost its state: its process restarted in
     * place (same address, no --tbc) and came back as an empty primary of term 1. Such a primary fences itself
     * rather than hand out its empty state; the failover then promotes a helper that has the data.
     */
    public Decision admitHelper(String helper, long helperCommit) {
        if (role == Role.PRIMARY && helperCommit > data.lastSeq()) {
            role = Role.FENCED;
            caughtUp = false;
            primary = "";
            helperAcks.clear();
            return Decision.refused("helper " + helper + " has committed up to seq " + helperCommit
                    + ", beyond this replica's log (" + data.lastSeq() + "): this replica lost its state (restarted"
                    + " without --tbc?) and stopped acting as primary; promote a helper and make this one follow it");
        }
        return Decision.OK;
    }

    /**
     * A helper connected or reconnected: it counts as a helper even before its first ack. What it acked before
     * is forgotten: a new process at the same address (a replaced pod) holds none of it, and counting the old
     * acks would commit entries only this primary has.
     */
    public void helperJoined(String helper) {
        helperAcks.put(helper, 0L);
        known.helper(helper);
        known.liveness().success(helper);
    }

    /**
     * What a helper at {@code helperLast} (with {@code helperCommit} committed) misses, at most
     * {@code maxEntries} entries. Starts at its own position if our log has it, else at its commit point
     * (committed entries are the same everywhere), else (that point compacted away) with a snapshot.
     */
    public CatchUp catchUpFor(LogPosition helperLast, long helperCommit, int maxEntries) {
        return data.catchUpFor(helperLast, helperCommit, maxEntries);
    }

    /** Whether catching up a helper at that position needs a snapshot (its part of the log is compacted). */
    public boolean catchUpNeedsSnapshot(LogPosition helperLast, long helperCommit) {
        return data.needsSnapshot(helperLast, helperCommit);
    }

    private void advanceCommit() {
        if (role != Role.PRIMARY) {
            return;
        }
        long candidate;
        if (syncAcks == 0) {
            candidate = data.durableSeq();
        } else {
            List<Long> acked = helperAcks.values().stream()
                    .sorted(Comparator.reverseOrder())
                    .toList();
            if (acked.size() < syncAcks) {
                return;
            }
            candidate = Math.min(acked.get(syncAcks - 1), data.durableSeq());
        }
        // Only an entry of our own term commits by counting acks (earlier ones commit with it).
        if (candidate > data.commitSeq() && data.termAt(candidate).orElse(-1) == term) {
            data.commitTo(candidate);
        }
    }

    // ------------------------------------------------------------------ replication (helper side)

    /** Applies an update sent by the primary {@code from} of term {@code fromTerm}. */
    public AcceptOutcome accept(long fromTerm, String from, CatchUp update) {
        if (fromTerm < term) {
            return new AcceptOutcome.StaleTerm(term, primary);
        }
        // Fenced in this term with no primary known: the first primary of the term is the one (one per term).
        boolean fencedWithoutPrimary = fromTerm == term
                && primary.isEmpty()
                && role != Role.PRIMARY
                && (formerPrimary.isEmpty() || formerPrimary.equals(from));
        if (fromTerm == term && role != Role.HELPER && !fencedWithoutPrimary) {
            return new AcceptOutcome.NotFollowing(role, term);
        }
        if (fromTerm > term || !from.equals(primary) || role != Role.HELPER) {
            becomeHelper(fromTerm, from);
        }
        if (update.snapshot() != null) {
            if (update.snapshot().lastIncluded().seq() < data.commitSeq()) {
                return new AcceptOutcome.Gap(data.last(), data.commitSeq());
            }
            data.installSnapshot(update.snapshot());
        }
        if (!data.contains(update.after())) {
            return new AcceptOutcome.Gap(data.last(), data.commitSeq());
        }
        for (Entry entry : update.entries()) {
            data.appendFromPrimary(entry);
        }
        LogPosition matched = update.end();
        // It holds every write the primary had committed when it sent this: whatever it acknowledged is here.
        if (matched.seq() >= update.commitSeq()) {
            caughtUp = true;
        }
        long newCommit = Math.min(update.commitSeq(), matched.seq());
        if (newCommit > data.commitSeq()) {
            data.commitTo(newCommit);
        }
        return new AcceptOutcome.Accepted(matched);
    }

    /** The Active List a helper received from its primary: it becomes this helper's lookup list. */
    public void learnServers(ActiveList list) {
        known.learn(list, self);
    }

    // ------------------------------------------------------------------ terms and roles (admin)

    /**
     * Become the primary of {@code newTerm}: a term above every term seen, or the current term if this replica
     * was fenced in it and knows no primary of it (the failover fences first, then promotes in the same term).
     * Repeating the same promotion is harmless.
     */
    public Decision promote(long newTerm) {
        if (role == Role.PRIMARY && newTerm == term) {
            return Decision.OK;
        }
        boolean fencedInThisTerm =
                newTerm == term && primary.isEmpty() && (formerPrimary.isEmpty() || formerPrimary.equals(self));
        if (newTerm < term || (newTerm == term && !fencedInThisTerm)) {
            String known = !primary.isEmpty()
                    ? ", whose primary is " + primary
                    : formerPrimary.isEmpty()
                            ? ""
                            : ", which had primary " + formerPrimary + " before this replica restarted";
            return Decision.refused("term " + newTerm + " is not above the current term " + term + known);
        }
        role = Role.PRIMARY;
        enterTerm(newTerm);
        primary = self;
        caughtUp = true;
        helperAcks.clear();
        known.allHelpers();
        data.append(new Entry(term, data.lastSeq() + 1, WriteId.NONE, new Operation.Noop()));
        advanceCommit();
        return Decision.OK;
    }

    /**
     * Raise the fence to {@code newTerm}: from now on ignore every primary of a lower term. A primary stops
     * taking writes (FENCED); a helper stops acking its old primary and waits to be told whom to follow. A
     * failover fences every replica it reaches before it reads their positions, so the old primary, even if
     * alive, can no longer gather the acks to acknowledge a write the new primary might miss.
     */
    public Decision fence(long newTerm) {
        if (newTerm < term) {
            return Decision.refused("term " + newTerm + " is below the current term " + term);
        }
        if (newTerm == term && role == Role.PRIMARY) {
            return Decision.refused("this replica is the primary of term " + term + "; fence it with a higher term");
        }
        if (newTerm == term && role == Role.HELPER && !primary.isEmpty()) {
            return Decision.OK;
        }
        if (role == Role.PRIMARY) {
            role = Role.FENCED;
        }
        enterTerm(newTerm);
        // It knows no primary of the new term: naming one would send helpers back to a deposed primary.
        primary = "";
        helperAcks.clear();
        return Decision.OK;
    }

    /** Help {@code newPrimary}, the primary of {@code newTerm}. */
    public Decision follow(String newPrimary, long newTerm) {
        if (newPrimary.equals(self)) {
            return Decision.refused("a replica cannot follow itself; promote it instead");
        }
        if (newTerm < term) {
            return Decision.refused("term " + newTerm + " is below the current term " + term);
        }
        if (newTerm == term && role == Role.PRIMARY) {
            return Decision.refused("this replica is the primary of term " + term + "; follow needs a higher term");
        }
        becomeHelper(newTerm, newPrimary);
        return Decision.OK;
    }

    /**
     * A peer told us of a higher term and its primary (a helper refused our stream): a deposed primary
     * steps down and will rejoin as a helper, dropping its unacknowledged suffix as it catches up.
     */
    public boolean observeTerm(long otherTerm, String otherPrimary) {
        if (otherTerm <= term) {
            return false;
        }
        becomeHelper(otherTerm, otherPrimary);
        return true;
    }

    private void becomeHelper(long newTerm, String newPrimary) {
        role = Role.HELPER;
        enterTerm(newTerm);
        primary = newPrimary == null ? "" : newPrimary;
        helperAcks.clear();
        known.primaryIs(primary);
    }

    private void enterTerm(long newTerm) {
        if (newTerm != term) {
            formerPrimary = "";
        }
        term = newTerm;
    }

    // ------------------------------------------------------------------ durability

    /** The hard state as it is now. */
    public HardState hardState() {
        return new HardState(term, primary.isEmpty() ? formerPrimary : primary, caughtUp, peers());
    }

    /**
     * What changed since the driver last made this state durable ({@link #markDurable}). Entries the log compacted
     * from memory before they were made durable are in the applied state: a snapshot of it carries them.
     */
    public DurableChanges durableChanges() {
        HardState hard = hardState();
        return data.changes(hard.equals(durableHardState) ? null : hard);
    }

    /**
     * The driver made {@link #durableChanges()} durable, with no other call in between (etcd raft's
     * MsgStorageAppendResp): the whole log is durable now, and as a primary it counts its own copy of the entries
     * it already sent, so entries its helpers acked meanwhile commit now.
     */
    public void markDurable() {
        durableHardState = hardState();
        data.markDurable();
        advanceCommit();
    }

    /** The last seq of this replica's log that is durable (see {@link #markDurable}). */
    public long durableSeq() {
        return data.durableSeq();
    }

    /** The applied state as a snapshot at the commit point (the driver's periodic snapshot). */
    public Snapshot snapshot() {
        return data.snapshot();
    }

    /** How many snapshots this replica installed from a primary (catching up by snapshot, not by log suffix). */
    public long snapshotsInstalled() {
        return data.snapshotsInstalled();
    }

    // ------------------------------------------------------------------ liveness and the Active List

    public void contactSucceeded(String address) {
        known.liveness().success(address);
    }

    public void contactFailed(String address) {
        known.liveness().failure(address);
    }

    /** This server, the lookup list and the helper list, most live first; this server counts as fully live. */
    public ActiveList activeList() {
        return known.activeList(self, role, term, primary);
    }

    /** Every other server this replica knows of (its lookup list). */
    public List<String> peers() {
        return known.addresses();
    }

    public LivenessTable liveness() {
        return known.liveness();
    }

    // ------------------------------------------------------------------ observation

    public String self() {
        return self;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public String primary() {
        return primary;
    }

    public int syncAcks() {
        return syncAcks;
    }

    public LogPosition last() {
        return data.last();
    }

    public long commitSeq() {
        return data.commitSeq();
    }

    /** The position of the last committed entry. */
    public LogPosition committed() {
        return data.committed();
    }

    public long appliedSeq() {
        return data.appliedSeq();
    }

    /**
     * Holds a primary's state: it was primary, or caught up with one at least once. A primary fenced by a failover
     * keeps it (it holds every write it acknowledged, so it may be promoted again); one that fenced itself because
     * it lost its state does not.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Each known helper's acknowledged seq (primary only). */
    public Map<String, Long> helperAcks() {
        return Map.copyOf(helperAcks);
    }

    public int size() {
        return data.size();
    }
}
