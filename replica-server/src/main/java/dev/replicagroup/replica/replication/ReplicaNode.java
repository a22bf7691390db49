package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.Decision;
import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.ProposeOutcome;
import dev.replicagroup.replica.core.ReadOutcome;
import dev.replicagroup.replica.core.Ready;
import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import dev.replicagroup.replica.storage.InMemoryStorage;
import dev.replicagroup.replica.storage.ReplicaStorage;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Drives one {@link ReplicaMachine}: every input (a client call, a peer's message, the clock) runs on a single
 * engine thread; before each, the machine is told how many ticks have passed on the monotonic clock (so a
 * replica that was frozen sees at once that its lease ran out). After a batch of inputs (every input queued when
 * the engine got to it: group commit), what the machine changed is made durable through the
 * {@link ReplicaStorage}, one fsync for the batch. A primary's updates to its helpers go out before that fsync,
 * so helpers write their disks while it writes its own ({@link Ready#sendAtOnce}); everything else it wants sent
 * goes to the {@link PeerNetwork} only after it, and only then are the writes whose entries were applied and the
 * batch's calls answered ({@link WaitingWrites}). So an Accepted sent to a primary implies that the helper's log
 * behind it is durable, and an acknowledgement to a client that the entry is durable on the primary (the machine
 * counts its own copy only after {@link ReplicaMachine#persisted}) and on {@code syncAcks} helpers.
 *
 * <p>If the storage fails (disk full, I/O error), the batch's remaining messages are dropped (the protocol repairs
 * lost messages; updates already sent commit nothing without this replica's own persist), waiting writes fail with
 * the cause, and writes and reads are refused until a later batch persists
 * everything not yet durable: nothing acknowledged depends on what did not reach the disk.
 *
 * <p>Longer than this project's 300 lines on purpose: what is left here shares the engine thread's state (the
 * batch's answers, the waiting writes, the clock) and would only be passed around if split further; the jobs
 * with an edge are their own classes ({@link ReadyPersister}, {@link WaitingWrites}, {@link Snapshots},
 * {@link StatusReport}, {@link RoleLog}).
 */
public final class ReplicaNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaNode.class);

    private final ReplicaMachine machine;
    private final ReplicaState state;
    private final NodeConfig config;
    private final LongSupplier nanoClock;
    private final long tickNanos = NodeConfig.TICK.toNanos();
    private final ScheduledExecutorService engine;
    private final boolean ownsEngine;
    private final WaitingWrites waiting;
    private final ReadyPersister persister;
    private final Snapshots snapshots;
    /** Inputs handed to the engine and not yet run: while there are, the engine defers persisting. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The batch's calls, answered once its changes are durable. */
    private final List<Answer<?>> answers = new ArrayList<>();

    private int batched;

    private volatile long snapshotsInstalled;
    private final List<Consumer<NodeStatus>> listeners = new CopyOnWriteArrayList<>();
    private long lastTickAt;
    private final EngineStalls stalls;
    private volatile NodeStatus view;
    private final RoleLog roleLog = new RoleLog();
    private final StatusReport report;

    /** Inputs one persist covers at most: a bound on how long messages and answers wait for the batch's fsync. */
    static final int MAX_BATCH = 256;

    /** A replica in memory only. */
    public ReplicaNode(ReplicaState state, PeerNetwork network, NodeConfig config) {
        this(state, network, config, new InMemoryStorage(), Long.MAX_VALUE, System::nanoTime);
    }

    /** A replica that makes its state durable in {@code storage}, with a snapshot every {@code snapshotEvery}. */
    public ReplicaNode(
            ReplicaState state, PeerNetwork network, NodeConfig config, ReplicaStorage storage, long snapshotEvery) {
        this(state, network, config, storage, snapshotEvery, System::nanoTime);
    }

    ReplicaNode(
            ReplicaState state,
            PeerNetwork network,
            NodeConfig config,
            ReplicaStorage storage,
            long snapshotEvery,
            LongSupplier nanoClock) {
        this(state, network, config, storage, snapshotEvery, nanoClock, ownEngine(state.self()), true);
    }

    /**
     * A replica whose engine is {@code engine}, a single thread owned by the caller (the server's event loop,
     * when nothing the engine does blocks), which stops it before {@link #close()}.
     */
    public ReplicaNode(
            ReplicaState state,
            PeerNetwork network,
            NodeConfig config,
            ReplicaStorage storage,
            long snapshotEvery,
            ScheduledExecutorService engine) {
        this(state, network, config, storage, snapshotEvery, System::nanoTime, engine, false);
    }

    private ReplicaNode(
            ReplicaState state,
            PeerNetwork network,
            NodeConfig config,
            ReplicaStorage storage,
            long snapshotEvery,
            LongSupplier nanoClock,
            ScheduledExecutorService engine,
            boolean ownsEngine) {
        this.state = state;
        this.snapshots = new Snapshots(storage, snapshotEvery, state.appliedSeq());
        this.machine = new ReplicaMachine(state, config.protocol(), new SecureRandom().nextLong());
        this.persister = new ReadyPersister(state.self(), machine, storage, network);
        this.config = config;
        this.nanoClock = nanoClock;
        this.lastTickAt = nanoClock.getAsLong();
        this.stalls = new EngineStalls(state.self(), config.heartbeat(), lastTickAt);
        this.waiting = new WaitingWrites(state, config.writeTimeout());
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.report = new StatusReport(state, machine, config);
        this.view = buildStatus();
    }

    /** The engine of a replica that has no loop to run on: a thread of its own. */
    private static ScheduledExecutorService ownEngine(String self) {
        ScheduledThreadPoolExecutor engine = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "replica-engine-" + self);
            t.setDaemon(true);
            return t;
        });
        engine.setRemoveOnCancelPolicy(true);
        return engine;
    }

    /** Starts the clock: the machine heartbeats, joins its primary and detects its loss from here on. */
    @SuppressWarnings("FutureReturnValueIgnored") // run() does not throw; close() ends the engine
    public ReplicaNode start() {
        long every = NodeConfig.TICK.toMillis();
        engine.scheduleAtFixedRate(() -> run(() -> {}), every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    // ------------------------------------------------------------------ engine plumbing

    @FunctionalInterface
    private interface Task<T> {
        T run() throws ReplicaException;
    }

    /**
     * A call's outcome, given to the caller once the batch is persisted; with {@code durable}, a failed persist
     * fails it (it changed the state: a write, an admin command).
     */
    private record Answer<T>(CompletableFuture<T> result, T value, ReplicaException error, boolean durable) {
        void give(String storageProblem) {
            if (error != null) {
                result.completeExceptionally(error);
            } else if (durable && !storageProblem.isEmpty()) {
                result.completeExceptionally(ReplicaException.of(Reason.NOT_SERVING, storageProblem));
            } else {
                result.complete(value);
            }
        }
    }

    /** Runs the task on the engine; answers when the batch it is part of was made durable. */
    private <T> CompletableFuture<T> call(Task<T> task, boolean durable) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queued.incrementAndGet();
        try {
            engine.execute(() -> {
                queued.decrementAndGet();
                try {
                    advanceClock();
                    answers.add(new Answer<>(result, task.run(), null, durable));
                } catch (ReplicaException e) {
                    answers.add(new Answer<>(result, null, e, durable));
                } catch (RuntimeException e) {
                    LOG.error("engine task failed", e);
                    result.completeExceptionally(e);
                }
                // Group commit: inputs already waiting join this batch, and one persist (one fsync) covers them all.
                if (queued.get() == 0 || ++batched >= MAX_BATCH) {
                    batched = 0;
                    settle();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            result.completeExceptionally(ReplicaException.of(Reason.UNREACHABLE, "the replica is shutting down"));
        }
        return result;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // call() logs a failed task; a rejected one means shutdown
    private void run(Runnable task) {
        call(
                () -> {
                    task.run();
                    return null;
                },
                false);
    }

    /** Tells the machine how many whole ticks have passed since the last time. */
    private void advanceClock() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastTickAt;
        stalls.ran(now);
        if (elapsed >= tickNanos) {
            long ticks = elapsed / tickNanos;
            lastTickAt += ticks * tickNanos;
            machine.tick((int) Math.min(ticks, Integer.MAX_VALUE));
        }
    }

    /** After a batch of inputs: persist, then send and answer, react to a new role, publish the status. */
    private void settle() {
        Ready ready = machine.ready();
        do {
            if (!persister.carry(ready)) {
                waiting.failAll(() -> ReplicaException.of(Reason.NOT_SERVING, persister.problem()));
                break;
            }
            ready.applied().forEach(waiting::applied);
            snapshots.applied(state);
            // The persist may have committed what helpers acked meanwhile: the next Ready applies it.
            ready = machine.ready();
        } while (!ready.isEmpty());
        snapshotsInstalled = state.snapshotsInstalled();
        answers.forEach(answer -> answer.give(persister.problem()));
        answers.clear();
        if (roleLog.noteChanges(state, machine) && state.role() != Role.PRIMARY) {
            waiting.primacyLost();
        }
        NodeStatus status = buildStatus();
        view = status;
        listeners.forEach(l -> l.accept(status));
    }

    private void failIfCannotPersist() throws ReplicaException {
        if (!persister.problem().isEmpty()) {
            throw new ReplicaException(Reason.NOT_SERVING, persister.problem(), state.term(), state.primary());
        }
    }

    // ------------------------------------------------------------------ clients

    public CompletableFuture<WriteResult> write(WriteId id, Operation op) {
        Optional<String> invalid = InputRules.check(op);
        if (invalid.isPresent()) {
            return CompletableFuture.failedFuture(ReplicaException.of(Reason.INVALID, invalid.get()));
        }
        CompletableFuture<WriteResult> result = new CompletableFuture<>();
        // Answered once the batch is durable: even an AlreadyApplied reply waits for that.
        CompletableFuture<Void> proposed = call(
                () -> {
                    failIfCannotPersist();
                    propose(id, op, result);
                    return null;
                },
                true);
        return proposed.thenCompose(ignored -> result);
    }

    /** Proposes the write: {@code result} is settled now, or once its entry is applied. */
    private void propose(WriteId id, Operation op, CompletableFuture<WriteResult> result) throws ReplicaException {
        ProposeOutcome outcome = machine.propose(id, op);
        if (outcome instanceof ProposeOutcome.Appended a) {
            await(a.term(), a.seq(), result);
        } else if (outcome instanceof ProposeOutcome.Pending p) {
            await(p.term(), p.seq(), result);
        } else if (outcome instanceof ProposeOutcome.AlreadyApplied done) {
            result.complete(done.result());
        } else if (outcome instanceof ProposeOutcome.NotPrimary) {
            throw notPrimary();
        } else if (outcome instanceof ProposeOutcome.NotServing n) {
            throw new ReplicaException(Reason.NOT_SERVING, n.why(), n.term(), "");
        } else if (outcome instanceof ProposeOutcome.Superseded s) {
            throw ReplicaException.of(
                    Reason.INVALID,
                    "request " + s.id().requestSeq()
                            + " of client " + s.id().clientId() + " comes after a later write of the same client;"
                            + " a client sends one write at a time");
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // whenComplete's future only repeats result's outcome
    private void await(long term, long seq, CompletableFuture<WriteResult> result) {
        Runnable expire = waiting.add(term, seq, result);
        ScheduledFuture<?> timeout =
                engine.schedule(() -> run(expire), config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timeout.cancel(false));
    }

    private ReplicaException notPrimary() {
        String known = state.primary().isEmpty() ? "no primary is known yet" : "the primary is " + state.primary();
        return new ReplicaException(
                Reason.NOT_PRIMARY,
                "this replica (" + state.self() + ") is " + state.role() + " in term " + state.term() + "; " + known,
                state.term(),
                state.primary());
    }

    /**
     * The committed values of the keys (absent ones empty) and the seq they reflect: linearizable, so only a
     * primary holding its lease answers.
     */
    public CompletableFuture<ReadResult> read(List<String> keys) {
        return read(keys, Duration.ZERO);
    }

    /**
     * As {@link #read(List)}, or with {@code maxStaleness} above zero bounded staleness: a helper answers too when
     * every write acknowledged longer ago than that is in its state ({@link ReplicaMachine#readWithin}).
     */
    public CompletableFuture<ReadResult> read(List<String> keys, Duration maxStaleness) {
        if (maxStaleness.compareTo(config.maxReadStaleness()) > 0) {
            return CompletableFuture.failedFuture(new ReplicaException(
                    Reason.INVALID,
                    "this group allows reads at most "
                            + config.maxReadStaleness().toMillis() + " ms stale"
                            + " (--max-read-staleness-ms, the ReplicaGroup's spec.reads.maxStalenessMillis); the read"
                            + " asked for " + maxStaleness.toMillis() + " ms",
                    state.term(),
                    ""));
        }
        // Whole ticks, rounded down: the stricter bound.
        long maxTicks = maxStaleness.toMillis() / NodeConfig.TICK.toMillis();
        return call(
                () -> {
                    // What it holds may not all be durable: a value read now could be gone after a crash.
                    failIfCannotPersist();
                    List<Optional<byte[]>> values = new ArrayList<>();
                    long applied = 0;
                    long staleTicks = 0;
                    for (String key : keys.isEmpty() ? List.of("") : keys) {
                        ReadOutcome outcome =
                                maxStaleness.isZero() ? machine.read(key) : machine.readWithin(key, maxTicks);
                        if (outcome instanceof ReadOutcome.NotPrimary) {
                            throw notPrimary();
                        }
                        if (outcome instanceof ReadOutcome.NotServing n) {
                            throw new ReplicaException(Reason.NOT_SERVING, n.why(), n.term(), "");
                        }
                        ReadOutcome.Value value = (ReadOutcome.Value) outcome;
                        values.add(value.value());
                        applied = value.appliedSeq();
                        staleTicks = Math.max(staleTicks, value.stalenessTicks());
                    }
                    return new ReadResult(
                            keys.isEmpty() ? List.of() : values, applied, staleTicks * NodeConfig.TICK.toMillis());
                },
                false);
    }

    /** The values this replica has applied, whatever its role: for tests that compare replicas' states. */
    CompletableFuture<List<Optional<byte[]>>> readLocal(List<String> keys) {
        return call(() -> keys.stream().map(state::get).toList(), false);
    }

    /** The Active List. */
    public CompletableFuture<ActiveList> servers() {
        return call(state::activeList, false);
    }

    // ------------------------------------------------------------------ peers

    /** A message from a peer (the transport calls this from its own threads). */
    public void deliver(Message message) {
        run(() -> machine.step(message));
    }

    /** The process is about to stop (see {@link ReplicaMachine#retire}). */
    public void retire() {
        run(machine::retire);
    }

    /** The stream of messages from {@code peer} ended (see {@link ReplicaMachine#disconnected}). */
    public void disconnected(String peer) {
        run(() -> machine.disconnected(peer));
    }

    // ------------------------------------------------------------------ admin

    public CompletableFuture<NodeStatus> status() {
        return call(this::buildStatus, false);
    }

    public CompletableFuture<NodeStatus> promote(long term, long holdoffMillis) {
        return admin(() -> machine.promote(term, ticksCovering(holdoffMillis)));
    }

    public CompletableFuture<NodeStatus> follow(String primary, long term) {
        return admin(() -> machine.follow(primary, term));
    }

    public CompletableFuture<NodeStatus> fence(long term) {
        return admin(() -> machine.fence(term));
    }

    /** The whole ticks that cover {@code millis}, rounded up: a hold-off or a pause is never cut short. */
    private static long ticksCovering(long millis) {
        long tick = NodeConfig.TICK.toMillis();
        return (millis + tick - 1) / tick;
    }

    /** See {@link ReplicaMachine#pauseWrites}. */
    public CompletableFuture<NodeStatus> pauseWrites(long term, long millis) {
        return admin(() -> machine.pauseWrites(term, ticksCovering(millis)));
    }

    private CompletableFuture<NodeStatus> admin(Supplier<Decision> command) {
        return call(
                        () -> {
                            Decision decision = command.get();
                            if (!decision.accepted()) {
                                throw new ReplicaException(
                                        Reason.REFUSED, decision.reason(), state.term(), state.primary());
                            }
                            return null;
                        },
                        true)
                .thenCompose(ignored -> status());
    }

    private NodeStatus buildStatus() {
        return report.build(persister.problem());
    }

    /** The status as of the last input, without waiting for the engine (metrics, health, watches). */
    public NodeStatus view() {
        return view;
    }

    /** Called on the engine thread after every input. */
    public void onChange(Consumer<NodeStatus> listener) {
        listeners.add(listener);
    }

    public String address() {
        return state.self();
    }

    /** Snapshots installed from a primary: a helper that caught up by log suffix installed none. */
    public long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    /** Stops the engine if it is its own (else its owner stopped it first) and fails whatever still waits. */
    @Override
    public void close() {
        if (ownsEngine) {
            engine.shutdownNow();
            try {
                engine.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        waiting.failAll(() -> ReplicaException.of(Reason.UNREACHABLE, "replica stopped"));
        answers.forEach(
                a -> a.result().completeExceptionally(ReplicaException.of(Reason.UNREACHABLE, "replica stopped")));
        answers.clear();
        snapshots.close();
        persister.close();
    }
}
