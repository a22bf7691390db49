package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.AcceptOutcome;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.Applied;
import dev.replicagroup.replica.core.Backoff;
import dev.replicagroup.replica.core.CatchUp;
import dev.replicagroup.replica.core.Decision;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.ProposeOutcome;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.replication.ReplicaException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The protocol engine around one {@link ReplicaState}: it runs every state change on a single engine thread,
 * waits for acknowledgements, drives the update streams to helpers (as primary) and from the primary (as
 * helper), sends heartbeats, refreshes the lookup list with back-off, and reconnects. Peers are reached
 * through a {@link PeerNetwork}, so tests can run many nodes in one JVM and cut links between them.
 */
public final class ReplicaNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaNode.class);

    private final ReplicaState state;
    private final PeerNetwork network;
    private final NodeConfig config;
    private final Backoff refreshBackoff;
    private final Backoff reconnectBackoff;
    private final ScheduledThreadPoolExecutor engine;
    private final ExecutorService io;
    private final long startedAtMillis = System.currentTimeMillis();
    private final Map<Long, List<Waiter>> waiters = new HashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final List<Consumer<NodeStatus>> listeners = new CopyOnWriteArrayList<>();
    private volatile NodeStatus view;
    private String problem = "";
    private Upstream upstream;
    private int upstreamFailures;
    private int refreshFailures;
    private Role seenRole;
    private long seenTerm;
    private String seenPrimary;

    private record Waiter(long term, CompletableFuture<WriteResult> result) {
    }

    public ReplicaNode(ReplicaState state, PeerNetwork network, NodeConfig config) {
        this.state = state;
        this.network = network;
        this.config = config;
        this.refreshBackoff = new Backoff(config.refreshInterval(), config.maxRefreshInterval());
        this.reconnectBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        this.engine = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "replica-engine-" + state.self()));
        this.engine.setRemoveOnCancelPolicy(true);
        this.io = Executors.newCachedThreadPool(r -> daemon(r, "replica-peer-io-" + state.self()));
        this.view = buildStatus();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the heartbeat and refresh loops and, for a helper, joins its primary. */
    public ReplicaNode start() {
        long beat = config.heartbeatInterval().toMillis();
        engine.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        run(this::scheduleRefresh);
        return this;
    }

    // ------------------------------------------------------------------ engine plumbing

    @FunctionalInterface
    private interface Task<T> {
        T run() throws ReplicaException;
    }

    private <T> CompletableFuture<T> call(Task<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            engine.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (ReplicaException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.error("engine task failed", e);
                    result.completeExceptionally(e);
                } finally {
                    settle();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(ReplicaException.of(Reason.UNREACHABLE, "the replica is shutting down"));
        }
        return result;
    }

    private void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            engine.schedule(() -> run(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("not scheduling: shutting down");
        }
    }

    /** After every state change: answer writes, react to a new role or primary, feed helpers, publish. */
    private void settle() {
        for (Applied applied : state.drainApplied()) {
            List<Waiter> waiting = waiters.remove(applied.entry().seq());
            if (waiting != null) {
                for (Waiter w : waiting) {
                    if (w.term() == applied.entry().term()) {
                        w.result().complete(applied.result());
                    } else {
                        w.result().completeExceptionally(lostPrimacy());
                    }
                }
            }
        }
        if (state.role() != seenRole || state.term() != seenTerm || !state.primary().equals(seenPrimary)) {
            onRoleChange();
        }
        if (state.role() == Role.PRIMARY) {
            List.copyOf(sessions.values()).forEach(this::pump);
        }
        NodeStatus status = buildStatus();
        view = status;
        listeners.forEach(l -> l.accept(status));
    }

    private void onRoleChange() {
        LOG.infof("%s is now %s of term %d (primary %s)", state.self(), state.role(), state.term(),
                state.primary().isEmpty() ? "unknown" : state.primary());
        seenRole = state.role();
        seenTerm = state.term();
        seenPrimary = state.primary();
        if (state.role() != Role.PRIMARY) {
            failAllWaiters();
            for (Session session : List.copyOf(sessions.values())) {
                session.close(notPrimary());
            }
        }
        if (state.role() == Role.HELPER) {
            if (upstream == null || !upstream.primary.equals(state.primary())) {
                upstreamFailures = 0;
                connectUpstream();
            }
        } else {
            closeUpstream();
            if (state.role() == Role.PRIMARY) {
                problem = "";
            }
        }
    }

    // ------------------------------------------------------------------ clients

    public CompletableFuture<WriteResult> write(WriteId id, Operation op) {
        Optional<String> invalid = InputRules.check(op);
        if (invalid.isPresent()) {
            return CompletableFuture.failedFuture(ReplicaException.of(Reason.INVALID, invalid.get()));
        }
        CompletableFuture<WriteResult> result = new CompletableFuture<>();
        run(() -> {
            ProposeOutcome outcome = state.propose(id, op);
            if (outcome instanceof ProposeOutcome.Appended a) {
                await(a.term(), a.seq(), result);
            } else if (outcome instanceof ProposeOutcome.Pending p) {
                await(p.term(), p.seq(), result);
            } else if (outcome instanceof ProposeOutcome.AlreadyApplied done) {
                result.complete(done.result());
            } else if (outcome instanceof ProposeOutcome.NotPrimary) {
                result.completeExceptionally(notPrimary());
            } else if (outcome instanceof ProposeOutcome.Superseded s) {
                result.completeExceptionally(ReplicaException.of(Reason.INVALID, "request " + s.id().requestSeq()
                        + " of client " + s.id().clientId() + " comes after a later write of the same client;"
                        + " a client sends one write at a time"));
            }
        });
        return result;
    }

    private void await(long term, long seq, CompletableFuture<WriteResult> result) {
        Waiter waiter = new Waiter(term, result);
        waiters.computeIfAbsent(seq, s -> new ArrayList<>()).add(waiter);
        ScheduledFuture<?> timeout = engine.schedule(() -> run(() -> {
            List<Waiter> waiting = waiters.get(seq);
            if (waiting != null && waiting.remove(waiter) && waiting.isEmpty()) {
                waiters.remove(seq);
            }
            result.completeExceptionally(notAcknowledged(term, seq));
        }), config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timeout.cancel(false));
    }

    private ReplicaException notAcknowledged(long term, long seq) {
        long acked = state.helperAcks().values().stream().filter(a -> a >= seq).count();
        return new ReplicaException(Reason.NOT_ACKNOWLEDGED, String.format(
                "write (%d, %d) was not acknowledged within %d ms: it needs %d helper ack(s) (--sync-acks) and has %d;"
                        + " %d helper(s) connected. It may still be applied; retry with the same request id",
                term, seq, config.writeTimeout().toMillis(), state.syncAcks(), acked, sessions.size()),
                state.term(), state.primary());
    }

    private ReplicaException notPrimary() {
        String known = state.primary().isEmpty() ? "no primary is known yet" : "the primary is " + state.primary();
        return new ReplicaException(Reason.NOT_PRIMARY, "this replica (" + state.self() + ") is "
                + state.role() + " in term " + state.term() + "; " + known, state.term(), state.primary());
    }

    private ReplicaException lostPrimacy() {
        return new ReplicaException(Reason.LOST_PRIMACY, "this replica stopped being primary (now "
                + state.role() + " in term " + state.term() + ") before the write was acknowledged; retry with"
                + " the same request id", state.term(), state.primary());
    }

    private void failAllWaiters() {
        waiters.values().forEach(ws -> ws.forEach(w -> w.result().completeExceptionally(lostPrimacy())));
        waiters.clear();
    }

    /** The committed values of the keys (absent ones empty) and the seq they reflect. */
    public CompletableFuture<ReadResult> read(List<String> keys) {
        return call(() -> new ReadResult(keys.stream().map(state::get).toList(), state.appliedSeq()));
    }

    /** The Active List; a call from a known helper counts as a successful contact with it. */
    public CompletableFuture<ActiveList> servers(String helperAddress) {
        return call(() -> {
            if (!helperAddress.isEmpty() && state.helperAcks().containsKey(helperAddress)) {
                state.contactSucceeded(helperAddress);
            }
            return state.activeList();
        });
    }

    // ------------------------------------------------------------------ primary side of the protocol

    public CompletableFuture<Thx> hereToHelp(HereToHelp request) {
        return call(() -> {
            checkCanLead(request);
            state.helperJoined(request.helper());
            return new Thx(state.activeList(), state.term(),
                    state.catchUpFor(request.last(), request.commitSeq(), config.maxBatch()));
        });
    }

    private void checkCanLead(HereToHelp request) throws ReplicaException {
        if (request.term() > state.term()) {
            state.observeTerm(request.term(), "");
            throw new ReplicaException(Reason.STALE_TERM, "helper " + request.helper() + " is in term "
                    + request.term() + ", above this replica's; this replica stepped down", request.term(), "");
        }
        if (state.role() != Role.PRIMARY) {
            throw notPrimary();
        }
        if (request.helper().equals(state.self())) {
            throw ReplicaException.of(Reason.INVALID, "a replica cannot help itself: --tbc points at its own address "
                    + state.self());
        }
        Decision admitted = state.admitHelper(request.helper(), request.commitSeq());
        if (!admitted.accepted()) {
            LOG.error(admitted.reason());
            problem = admitted.reason();
            throw new ReplicaException(Reason.NOT_PRIMARY, admitted.reason(), state.term(), "");
        }
    }

    /** A helper opened its update stream. */
    public HelperSession openReplication(HereToHelp open, UpdateSink sink) {
        Session session = new Session(open.helper(), sink);
        run(() -> {
            try {
                checkCanLead(open);
            } catch (ReplicaException e) {
                sink.fail(e);
                return;
            }
            Session previous = sessions.put(open.helper(), session);
            if (previous != null) {
                previous.close(ReplicaException.of(Reason.UNREACHABLE, "replaced by a newer stream"));
            }
            state.helperJoined(open.helper());
            session.open = true;
            session.send(state.catchUpFor(open.last(), open.commitSeq(), config.maxBatch()));
        });
        return session;
    }

    private void pump(Session session) {
        while (session.open && session.sink.ready()
                && (session.sentUpTo.seq() < state.last().seq() || session.sentCommit < state.commitSeq())) {
            long helperCommit = Math.min(session.sentCommit, session.sentUpTo.seq());
            session.send(state.catchUpFor(session.sentUpTo, helperCommit, config.maxBatch()));
        }
    }

    private void heartbeat() {
        run(() -> {
            if (state.role() != Role.PRIMARY) {
                return;
            }
            for (Session session : List.copyOf(sessions.values())) {
                if (session.ackedSinceBeat) {
                    state.contactSucceeded(session.helper);
                } else {
                    state.contactFailed(session.helper);
                }
                session.ackedSinceBeat = false;
                if (session.open && session.sink.ready()) {
                    session.send(new CatchUp(session.sentUpTo, null, List.of(), state.commitSeq()));
                }
            }
        });
    }

    /** The primary's end of one helper's update stream; the transport calls it from its own threads. */
    private final class Session implements HelperSession {
        final String helper;
        final UpdateSink sink;
        LogPosition sentUpTo = LogPosition.ZERO;
        long sentCommit;
        boolean open;
        boolean ackedSinceBeat;

        Session(String helper, UpdateSink sink) {
            this.helper = helper;
            this.sink = sink;
        }

        void send(CatchUp update) {
            sink.send(state.term(), update);
            sentUpTo = update.end();
            sentCommit = update.commitSeq();
        }

        void close(ReplicaException why) {
            if (open) {
                open = false;
                sink.fail(why);
            }
            sessions.remove(helper, this);
        }

        @Override
        public void onAck(LogPosition matched) {
            run(() -> {
                if (open) {
                    ackedSinceBeat = true;
                    state.ack(helper, matched);
                }
            });
        }

        @Override
        public void onReady() {
            run(() -> pump(this));
        }

        @Override
        public void onClosed() {
            run(() -> {
                open = false;
                if (sessions.remove(helper, this)) {
                    state.contactFailed(helper);
                    LOG.infof("helper %s disconnected", helper);
                }
            });
        }
    }

    // ------------------------------------------------------------------ helper side of the protocol

    private void connectUpstream() {
        closeUpstream();
        if (state.role() != Role.HELPER || state.primary().isEmpty()) {
            return;
        }
        Upstream next = new Upstream(state.primary());
        upstream = next;
        HereToHelp hello = hello();
        io.execute(() -> {
            try {
                Thx thx = network.to(next.primary).hereToHelp(hello);
                run(() -> next.joined(thx));
            } catch (ReplicaException e) {
                run(() -> next.failed(e));
            } catch (RuntimeException e) {
                run(() -> next.failed(ReplicaException.of(Reason.UNREACHABLE, String.valueOf(e.getMessage()))));
            }
        });
    }

    private HereToHelp hello() {
        return new HereToHelp(state.self(), state.term(), state.last(), state.commitSeq());
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    /** The helper's connection to its primary: HERETOHELP, then the update stream. */
    private final class Upstream implements ReplicationListener {
        final String primary;
        ReplicationStream stream;
        boolean closed;

        Upstream(String primary) {
            this.primary = primary;
        }

        boolean current() {
            return !closed && upstream == this;
        }

        void joined(Thx thx) {
            if (!current()) {
                return;
            }
            state.learnServers(thx.activeList());
            state.contactSucceeded(primary);
            if (!handle(thx.term(), thx.catchUp())) {
                return;
            }
            LOG.infof("%s joined primary %s in term %d at %s", state.self(), primary, thx.term(), state.last());
            stream = network.to(primary).replicate(hello(), this);
        }

        /** Applies an update; false if this connection is finished with. */
        boolean handle(long term, CatchUp update) {
            AcceptOutcome outcome = state.accept(term, primary, update);
            if (outcome instanceof AcceptOutcome.Accepted accepted) {
                upstreamFailures = 0;
                problem = "";
                if (stream != null) {
                    stream.ack(accepted.matched());
                }
                return true;
            }
            if (outcome instanceof AcceptOutcome.Gap) {
                connectUpstream();
                return false;
            }
            if (outcome instanceof AcceptOutcome.StaleTerm stale) {
                retryLater("primary " + primary + " is in term " + term + ", below this replica's term " + stale.term()
                        + "; waiting to be told which primary to follow");
            } else {
                retryLater(primary + " sent an update of term " + term + ", but this replica is " + state.role()
                        + " in that term");
            }
            return false;
        }

        @Override
        public void onUpdate(long term, CatchUp update) {
            run(() -> {
                if (current()) {
                    handle(term, update);
                }
            });
        }

        @Override
        public void onError(ReplicaException error) {
            run(() -> failed(error));
        }

        void failed(ReplicaException error) {
            if (!current()) {
                return;
            }
            state.contactFailed(primary);
            if (error.reason() == Reason.NOT_PRIMARY && !error.primary().isEmpty() && !error.primary().equals(primary)
                    && !error.primary().equals(state.self()) && error.term() >= state.term()) {
                LOG.infof("%s is not the primary; following %s (term %d)", primary, error.primary(), error.term());
                state.follow(error.primary(), error.term());
                return;
            }
            retryLater("cannot replicate from primary " + primary + ": " + error.getMessage());
        }

        void retryLater(String why) {
            if (!why.equals(problem)) {
                LOG.warn(why);
            }
            problem = why;
            close();
            upstreamFailures++;
            schedule(() -> {
                if (upstream == this) {
                    connectUpstream();
                }
            }, reconnectBackoff.delay(upstreamFailures));
        }

        void close() {
            closed = true;
            if (stream != null) {
                stream.close();
                stream = null;
            }
        }
    }

    private void scheduleRefresh() {
        schedule(this::refresh, refreshBackoff.delay(refreshFailures));
    }

    /** A helper asks its primary for the Active List (GETSERVERS), backing off while the primary fails. */
    private void refresh() {
        String primary = state.primary();
        if (state.role() != Role.HELPER || primary.isEmpty()) {
            scheduleRefresh();
            return;
        }
        io.execute(() -> {
            try {
                ActiveList list = network.to(primary).getServers(state.self());
                run(() -> {
                    if (list.term() >= state.term()) {
                        state.learnServers(list);
                    }
                    state.contactSucceeded(primary);
                    refreshFailures = 0;
                    scheduleRefresh();
                });
            } catch (ReplicaException | RuntimeException e) {
                run(() -> {
                    state.contactFailed(primary);
                    refreshFailures++;
                    scheduleRefresh();
                });
            }
        });
    }

    // ------------------------------------------------------------------ admin

    public CompletableFuture<NodeStatus> status() {
        return call(this::buildStatus);
    }

    public CompletableFuture<NodeStatus> promote(long term, long holdoffMillis) {
        return admin(() -> state.promote(term));
    }

    public CompletableFuture<NodeStatus> follow(String primary, long term) {
        return admin(() -> state.follow(primary, term));
    }

    public CompletableFuture<NodeStatus> fence(long term) {
        return admin(() -> state.fence(term));
    }

    private CompletableFuture<NodeStatus> admin(java.util.function.Supplier<Decision> command) {
        return call(() -> {
            Decision decision = command.get();
            if (!decision.accepted()) {
                throw new ReplicaException(Reason.REFUSED, decision.reason(), state.term(), state.primary());
            }
            return null;
        }).thenCompose(ignored -> status());
    }

    private NodeStatus buildStatus() {
        long last = state.last().seq();
        List<NodeStatus.HelperProgress> helpers = state.helperAcks().entrySet().stream()
                .map(e -> new NodeStatus.HelperProgress(e.getKey(), e.getValue(), last - e.getValue(),
                        sessions.containsKey(e.getKey())))
                .sorted(java.util.Comparator.comparing(NodeStatus.HelperProgress::address))
                .toList();
        return new NodeStatus(state.self(), state.role(), state.term(), state.last(), state.commitSeq(),
                state.appliedSeq(), state.primary(), helpers, state.liveness().sorted(), state.syncAcks(),
                state.caughtUp(), startedAtMillis, problem, NodeStatus.Timing.unknown());
    }

    /** The status as of the last state change, without waiting for the engine (metrics, health). */
    public NodeStatus view() {
        return view;
    }

    /** Called on the engine thread after every state change. */
    public void onChange(Consumer<NodeStatus> listener) {
        listeners.add(listener);
    }

    public String address() {
        return state.self();
    }

    @Override
    public void close() {
        engine.shutdownNow();
        io.shutdownNow();
        try {
            engine.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (upstream != null) {
            upstream.close();
        }
        sessions.values().forEach(s -> s.sink.fail(ReplicaException.of(Reason.UNREACHABLE, "replica stopped")));
        waiters.values().forEach(ws -> ws.forEach(w -> w.result().completeExceptionally(
                ReplicaException.of(Reason.UNREACHABLE, "replica stopped"))));
    }

    /** Unwraps the exception a future failed with. */
    public static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
