package dev.replicagroup.replica.client;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.DeleteRequest;
import dev.replicagroup.replica.grpc.v1.EchoRequest;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import dev.replicagroup.replica.grpc.v1.KeyValue;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The failover-aware client. It bootstraps from any of a list of servers, gets the Active List at once and
 * refreshes it in the background, sends requests to the primary, and when a request fails on a dead, frozen or
 * demoted server it moves on at once (to the primary the redirect names, or the one the freshest Active List
 * names, or the next server) and retries until the deadline. A write keeps its (client id, request seq) across retries, so it applies once.
 *
 * <p>One client makes one write at a time (the dedup table remembers a client's last write); use several
 * clients for concurrent writes. Thread-safe: concurrent callers' writes are serialized.
 *
 * <p>Its two jobs are parts of their own: {@link GroupView} (discovery: which servers, which primary) and
 * {@link Retries} (one operation across failures until the deadline); this class is the API and the writes' ids.
 */
public final class ReplicaClient implements AutoCloseable {
    private final ClientOptions options;
    private final Channels channels;
    private final GroupView group;
    private final Retries retries;
    private final String clientId = UUID.randomUUID().toString();
    private final AtomicLong requestSeq = new AtomicLong();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ScheduledExecutorService refresher;

    private ReplicaClient(List<String> bootstrap, ClientOptions options) {
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one server address");
        }
        this.options = options;
        this.channels = new Channels(options.security());
        this.group = new GroupView(bootstrap, options, channels);
        this.retries = new Retries(group, options);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-client-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects and fetches the Active List (a failure to reach any server now is not fatal: calls retry). */
    // The refresh's future is not needed: discover() turns any failed call into no answer; close() ends it.
    @SuppressWarnings("FutureReturnValueIgnored")
    public static ReplicaClient connect(List<String> servers, ClientOptions options) {
        ReplicaClient client = new ReplicaClient(servers, options);
        client.group.discover();
        long every = options.refreshInterval().toMillis();
        client.refresher.scheduleWithFixedDelay(client.group::discover, every, every, TimeUnit.MILLISECONDS);
        return client;
    }

    public static ReplicaClient connect(List<String> servers) {
        return connect(servers, ClientOptions.defaults());
    }

    public String clientId() {
        return clientId;
    }

    public WriteResult put(String key, byte[] value) throws ReplicaException {
        return write(
                id -> PutRequest.newBuilder()
                        .setId(id)
                        .setKey(key)
                        .setValue(ByteString.copyFrom(value))
                        .build(),
                (stub, request) -> stub.put(request));
    }

    public WriteResult delete(String key) throws ReplicaException {
        return write(
                id -> DeleteRequest.newBuilder().setId(id).setKey(key).build(),
                (stub, request) -> stub.delete(request));
    }

    /** The values of the keys, read from the primary, in the order asked (absent keys are empty). */
    public Map<String, Optional<byte[]>> get(List<String> keys) throws ReplicaException {
        GetRequest request = GetRequest.newBuilder().addAllKeys(keys).build();
        return values(retries.withFailover(target -> stub(target).get(request)));
    }

    /**
     * The values of the keys from a state no older than {@code maxStaleness} (bounded staleness: every write
     * acknowledged longer ago is in it): from a helper that is current enough, tried in a random order to spread
     * the reads, else from the primary (linearizable). The primary bears no read then, unless no helper can answer.
     */
    public Map<String, Optional<byte[]>> getWithin(List<String> keys, Duration maxStaleness) throws ReplicaException {
        if (maxStaleness.isNegative() || maxStaleness.isZero() || maxStaleness.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxStaleness must be between 1 ms and " + Integer.MAX_VALUE
                    + " ms, was " + maxStaleness.toMillis() + " ms; for a linearizable read call get(keys)");
        }
        GetRequest request = GetRequest.newBuilder()
                .addAllKeys(keys)
                .setMaxStalenessMillis((int) maxStaleness.toMillis())
                .build();
        List<String> helpers = new ArrayList<>(group.activeList().servers().stream()
                .filter(s -> s.role() == Role.HELPER)
                .map(ServerEntry::address)
                .toList());
        Collections.shuffle(helpers);
        for (String helper : helpers) {
            try {
                return values(stub(helper).get(request).get());
            } catch (ExecutionException e) {
                // Not current enough, gone or demoted: the next one, then the primary, answers.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ReplicaException.of(Reason.UNREACHABLE, "interrupted while reading from " + helper);
            }
        }
        return values(retries.withFailover(target -> stub(target).get(request)));
    }

    private static Map<String, Optional<byte[]>> values(GetResponse response) {
        Map<String, Optional<byte[]>> result = new LinkedHashMap<>();
        for (KeyValue kv : response.getValuesList()) {
            result.put(kv.getKey(), kv.getFound() ? Optional.of(kv.getValue().toByteArray()) : Optional.empty());
        }
        return result;
    }

    public String echo(String text) throws ReplicaException {
        return retries.withFailover(target ->
                        stub(target).echo(EchoRequest.newBuilder().setText(text).build()))
                .getText();
    }

    /** The Active List as last fetched, refreshed first. */
    public ActiveList servers() throws ReplicaException {
        if (!group.discover()) {
            throw ReplicaException.of(Reason.UNREACHABLE, "none of " + group.known() + " answered");
        }
        return group.activeList();
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
            WriteResponse response = retries.withFailover(target -> call.send(stub(target), request));
            return new WriteResult(response.getTerm(), response.getSeq(), response.getExisted());
        } finally {
            writeLock.unlock();
        }
    }

    private CloneGrpc.CloneFutureStub stub(String target) {
        return CloneGrpc.newFutureStub(channels.to(target))
                .withDeadlineAfter(options.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        group.close();
        channels.close();
    }
}
