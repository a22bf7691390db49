package dev.replicagroup.replica.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.DeleteRequest;
import dev.replicagroup.replica.grpc.v1.EchoRequest;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import dev.replicagroup.replica.grpc.v1.KeyValue;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The failover-aware client. It bootstraps from any of a list of servers, gets the Active List at once and
 * refreshes it in the background, sends requests to the primary, and when a request fails on a dead, frozen or
 * demoted server it moves on at once (to the primary the redirect names, or the one the freshest Active List
 * names, or the next server) and retries until the deadline. A write keeps its (client id, request seq) across retries, so it applies once.
 *
 * <p>One client makes one write at a time (the dedup table remembers a client's last write); use several
 * clients for concurrent writes. Thread-safe: concurrent callers' writes are serialized.
 */
public final class ReplicaClient implements AutoCloseable {
    /** GetServers is cheap: a server that does not answer it within this is not one to send requests to now. */
    private static final long DISCOVERY_TIMEOUT_MS = 500;
    /** How long an attempt runs before the client checks whether the group has moved on without it. */
    private static final long LOOK_AROUND_MS = 200;

    private final List<String> bootstrap;
    private final ClientOptions options;
    private final Channels channels = new Channels();
    private final String clientId = UUID.randomUUID().toString();
    private final AtomicLong requestSeq = new AtomicLong();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ScheduledExecutorService refresher;
    private volatile ActiveList activeList = new ActiveList(0, "", List.of());
    private volatile String primary = "";

    private ReplicaClient(List<String> bootstrap, ClientOptions options) {
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one server address");
        }
        this.bootstrap = List.copyOf(bootstrap);
        this.options = options;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-client-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects and fetches the Active List (a failure to reach any server now is not fatal: calls retry). */
    public static ReplicaClient connect(List<String> servers, ClientOptions options) {
        ReplicaClient client = new ReplicaClient(servers, options);
        client.discover();
        long every = options.refreshInterval().toMillis();
        client.refresher.scheduleWithFixedDelay(client::discover, every, every, TimeUnit.MILLISECONDS);
        return client;
    }

    public static ReplicaClient connect(List<String> servers) {
        return connect(servers, ClientOptions.defaults());
    }

    public String clientId() {
        return clientId;
    }

    public WriteResult put(String key, byte[] value) throws ReplicaException {
        return write(id -> PutRequest.newBuilder().setId(id).setKey(key).setValue(ByteString.copyFrom(value)).build(),
                (stub, request) -> stub.put(request));
    }

    public WriteResult delete(String key) throws ReplicaException {
        return write(id -> DeleteRequest.newBuilder().setId(id).setKey(key).build(),
                (stub, request) -> stub.delete(request));
    }

    /** The values of the keys, read from the primary, in the order asked (absent keys are empty). */
    public Map<String, Optional<byte[]>> get(List<String> keys) throws ReplicaException {
        GetRequest request = GetRequest.newBuilder().addAllKeys(keys).build();
        List<KeyValue> values = withFailover(target -> stub(target).get(request)).getValuesList();
        Map<String, Optional<byte[]>> result = new LinkedHashMap<>();
        for (KeyValue kv : values) {
            result.put(kv.getKey(), kv.getFound() ? Optional.of(kv.getValue().toByteArray()) : Optional.empty());
        }
        return result;
    }

    public String echo(String text) throws ReplicaException {
        return withFailover(target -> stub(target).echo(EchoRequest.newBuilder().setText(text).build())).getText();
    }

    /** The Active List as last fetched, refreshed first. */
    public ActiveList servers() throws ReplicaException {
        if (!discover()) {
            throw ReplicaException.of(Reason.UNREACHABLE, "none of " + known() + " answered");
        }
        return activeList;
    }

    private interface WriteCall<Q> {
        ListenableFuture<WriteResponse> send(CloneGrpc.CloneFutureStub stub, Q request);
    }

    private <Q> WriteResult write(Function<dev.replicagroup.replica.grpc.v1.WriteId, Q> build, WriteCall<Q> call)
            throws ReplicaException {
        writeLock.lock();
        try {
            WriteId id = new WriteId(clientId, requestSeq.incrementAndGet());
            Q request = build.apply(ProtoMapper.toProto(id));
            WriteResponse response = withFailover(target -> call.send(stub(target), request));
            return new WriteResult(response.getTerm(), response.getSeq(), response.getExisted());
        } finally {
            writeLock.unlock();
        }
    }

    private CloneGrpc.CloneFutureStub stub(String target) {
        return CloneGrpc.newFutureStub(channels.to(target))
                .withDeadlineAfter(options.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends to the primary; on a retryable failure moves on at once: to the primary a redirect names, else to the
     * primary of the freshest Active List, else to the next known server, skipping those that already failed in
     * this operation while the term has not moved (a dead, frozen or deposed primary is not asked again until
     * the group has a new term or every server has failed once, which ends a round with a short back-off).
     * Each attempt is bounded by the attempt timeout, so a frozen server costs one attempt, not the deadline.
     */
    private <T> T withFailover(Function<String, ListenableFuture<T>> call) throws ReplicaException {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        Attempts attempts = new Attempts();
        String target = primary.isEmpty() ? bootstrap.get(0) : primary;
        while (true) {
            ReplicaException failure;
            try {
                return await(call.apply(target), target);
            } catch (StatusRuntimeException e) {
                failure = Errors.fromStatus(e, target);
            }
            if (!failure.retryable()) {
                throw failure;
            }
            if (System.nanoTime() > deadline) {
                throw new ReplicaException(failure.reason(), "gave up after " + options.deadline().toSeconds()
                        + " s and " + attempts.count + " attempts: " + failure.getMessage(), failure.term(),
                        failure.primary());
            }
            if (failure.reason() != Reason.NOT_SERVING) {
                attempts.failed(target, Math.max(failure.term(), activeList.term()));
            }
            attempts.count++;
            target = next(target, failure, attempts);
        }
    }

    /**
     * The answer to one attempt. While it is slow to come, the client looks every {@link #LOOK_AROUND_MS} at where
     * the group points (asking every server but the target): a dead or frozen primary answers only when the
     * attempt's deadline ends it, but once the group names a new primary in a newer term the attempt is given up
     * at once (a write is sent again with the same id, so it is not applied twice).
     */
    private <T> T await(ListenableFuture<T> answer, String target) {
        long termAtStart = activeList.term();
        while (true) {
            try {
                return answer.get(LOOK_AROUND_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                discover(address -> address.equals(target));
                if (activeList.term() > termAtStart && !primary.isEmpty() && !primary.equals(target)) {
                    answer.cancel(true);
                    throw Status.UNAVAILABLE.withDescription(target + " did not answer within " + LOOK_AROUND_MS
                            + " ms and the group moved on to term " + activeList.term() + " with primary " + primary)
                            .asRuntimeException();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException status) {
                    throw status;
                }
                throw Status.fromThrowable(e.getCause()).asRuntimeException();
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        }
    }

    /** The servers that failed during one operation, with the highest term known when each failed. */
    private static final class Attempts {
        private final Map<String, Long> failedInTerm = new LinkedHashMap<>();
        private int count;
        private int rounds;

        void failed(String target, long term) {
            failedInTerm.merge(target, term, Math::max);
        }

        /** Failed in this operation while the group is still in the term it failed in. */
        boolean failedNow(String address, long term) {
            return !fresh(address, term);
        }

        /** Not tried yet in this operation, or tried before the group moved to a newer term. */
        boolean fresh(String address, long term) {
            Long failed = failedInTerm.get(address);
            return !address.isEmpty() && (failed == null || term > failed);
        }

        /** Every server failed once: start a new round after a back-off. */
        void newRound() {
            failedInTerm.clear();
            pause();
        }

        /** A back-off that grows from 10 to 160 ms over the operation. */
        void pause() {
            sleep(10L << Math.min(rounds++, 4));
        }
    }

    /**
     * Where to send next. Its discoveries skip the servers that failed in this operation and term: a frozen or
     * partitioned primary would hold each one for its whole deadline, while the others answer at once and name
     * the new primary as soon as there is one.
     */
    private String next(String target, ReplicaException failure, Attempts attempts) {
        if (failure.reason() == Reason.NOT_PRIMARY && attempts.fresh(failure.primary(), failure.term())) {
            primary = failure.primary();
            return primary;
        }
        if (failure.reason() == Reason.NOT_SERVING) {
            // A primary without its lease: a new one waiting out its hold-off serves in a moment, an isolated old
            // one is about to be replaced. Either way ask again after a short pause, where the group points then.
            attempts.pause();
            discover(address -> attempts.failedNow(address, activeList.term()));
            return primary.isEmpty() ? target : primary;
        }
        discover(address -> attempts.failedNow(address, activeList.term()));
        if (attempts.fresh(primary, activeList.term())) {
            return primary;
        }
        List<String> all = known();
        int from = all.indexOf(target);
        for (int i = 1; i <= all.size(); i++) {
            String candidate = all.get(Math.floorMod(from + i, all.size()));
            if (attempts.fresh(candidate, activeList.term())) {
                return candidate;
            }
        }
        attempts.newRound();
        discover(address -> attempts.failedNow(address, activeList.term()));
        return primary.isEmpty() ? target : primary;
    }

    private List<String> known() {
        Set<String> all = new LinkedHashSet<>(bootstrap);
        activeList.servers().stream().map(ServerEntry::address).forEach(all::add);
        return new ArrayList<>(all);
    }

    /**
     * Asks every known server for its Active List at once and believes the one of the highest term (a deposed
     * primary may still think it leads). It waits for every answer, up to a short deadline, unless one names a
     * primary of a term above the one known: only a failover makes a new term, so that list is news worth acting
     * on now rather than after a dead or frozen server's deadline. True if any answered.
     */
    private boolean discover() {
        return discover(address -> false);
    }

    /** As {@link #discover()}, without asking the servers {@code skip} names (those that just failed). */
    private boolean discover(Predicate<String> skip) {
        long timeout = Math.min(DISCOVERY_TIMEOUT_MS, options.attemptTimeout().toMillis());
        long knownTerm = activeList.term();
        List<String> asked = known().stream().filter(skip.negate()).toList();
        BlockingQueue<Optional<ActiveList>> answers = new LinkedBlockingQueue<>();
        for (String address : asked) {
            ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer = CloneGrpc
                    .newFutureStub(channels.to(address)).withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
                    .getServers(GetServersRequest.getDefaultInstance());
            answer.addListener(() -> answers.add(listOf(answer)), MoreExecutors.directExecutor());
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        ActiveList best = null;
        for (int pending = asked.size(); pending > 0; pending--) {
            Optional<ActiveList> list;
            try {
                // The deadline of every call bounds this wait too; the margin covers the callbacks' delivery.
                list = answers.poll(until - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (list == null) {
                break;
            }
            if (list.isPresent() && (best == null || list.get().term() > best.term()
                    || (list.get().term() == best.term() && best.primary().isEmpty()))) {
                best = list.get();
            }
            if (best != null && best.term() > knownTerm && !best.primary().isEmpty()) {
                break;
            }
        }
        if (best == null) {
            return false;
        }
        activeList = best;
        if (!best.primary().isEmpty()) {
            primary = best.primary();
        }
        return true;
    }

    private static Optional<ActiveList> listOf(ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer) {
        try {
            return Optional.of(ProtoMapper.fromProto(Futures.getDone(answer)));
        } catch (ExecutionException | RuntimeException e) {
            // Not reachable now (or past the deadline); the others may be.
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        channels.close();
    }
}
