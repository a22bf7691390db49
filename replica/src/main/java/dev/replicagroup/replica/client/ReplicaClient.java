package dev.replicagroup.replica.client;

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
import dev.replicagroup.replica.replication.ReplicaException;
import dev.replicagroup.replica.replication.ReplicaException.Reason;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The failover-aware client. It bootstraps from any of a list of servers, gets the Active List at once and
 * refreshes it in the background, sends requests to the primary, and when a request fails it finds the
 * primary again (from the redirect the server gave, or by asking every server it knows) and retries until
 * the deadline. A write keeps its (client id, request seq) across retries, so it applies once.
 *
 * <p>One client makes one write at a time (the dedup table remembers a client's last write); use several
 * clients for concurrent writes. Thread-safe: concurrent callers' writes are serialized.
 */
public final class ReplicaClient implements AutoCloseable {
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
        WriteResponse send(CloneGrpc.CloneBlockingStub stub, Q request);
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

    private CloneGrpc.CloneBlockingStub stub(String target) {
        return CloneGrpc.newBlockingStub(channels.to(target))
                .withDeadlineAfter(options.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends to the primary; on a retryable failure finds the primary again and retries until the deadline. */
    private <T> T withFailover(Function<String, T> call) throws ReplicaException {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        int attempt = 0;
        String target = primary.isEmpty() ? bootstrap.get(0) : primary;
        while (true) {
            ReplicaException failure;
            try {
                return call.apply(target);
            } catch (StatusRuntimeException e) {
                failure = Errors.fromStatus(e, target);
            }
            if (!failure.retryable()) {
                throw failure;
            }
            if (System.nanoTime() > deadline) {
                throw new ReplicaException(failure.reason(), "gave up after " + options.deadline().toSeconds()
                        + " s and " + (attempt + 1) + " attempts: " + failure.getMessage(), failure.term(),
                        failure.primary());
            }
            boolean redirect = failure.reason() == Reason.NOT_PRIMARY && !failure.primary().isEmpty()
                    && !failure.primary().equals(target);
            if (redirect) {
                primary = failure.primary();
            } else {
                sleep(Math.min(1000, 50L << Math.min(attempt, 5)));
                if (!discover() || primary.isEmpty() || primary.equals(target)) {
                    primary = failure.reason() == Reason.UNREACHABLE ? next(target) : target;
                }
            }
            target = primary;
            attempt++;
        }
    }

    /** The server after {@code target} among those known, so that an unreachable one is skipped. */
    private String next(String target) {
        List<String> all = known();
        int i = all.indexOf(target);
        return all.get((i + 1) % all.size());
    }

    private List<String> known() {
        Set<String> all = new LinkedHashSet<>(bootstrap);
        activeList.servers().stream().map(ServerEntry::address).forEach(all::add);
        return new ArrayList<>(all);
    }

    /**
     * Asks the known servers for their Active List and believes the one of the highest term (a deposed
     * primary may still think it leads). True if any answered.
     */
    private boolean discover() {
        ActiveList best = null;
        for (String address : known()) {
            try {
                ActiveList list = ProtoMapper.fromProto(CloneGrpc.newBlockingStub(channels.to(address))
                        .withDeadlineAfter(Math.min(1000, options.attemptTimeout().toMillis()), TimeUnit.MILLISECONDS)
                        .getServers(GetServersRequest.getDefaultInstance()));
                if (best == null || list.term() > best.term()
                        || (list.term() == best.term() && best.primary().isEmpty())) {
                    best = list;
                }
            } catch (StatusRuntimeException e) {
                // Not reachable now; the others may be.
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
