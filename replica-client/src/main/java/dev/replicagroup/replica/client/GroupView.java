package dev.replicagroup.replica.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The discovery half of {@link ReplicaClient}: the servers it knows (the bootstrap list and the latest Active
 * List) and where the group points (the Active List of the highest term any of them reported, and its primary).
 * Read by the retries from the callers' threads and refreshed by the client's background thread too.
 *
 * <p>Besides asking, it holds a WatchServers stream to every known server, so that a failover reaches the client
 * when it happens: a call blocked on a frozen or cut-off primary is given up the moment another member names a new
 * primary ({@link #whileWaiting}), and a back-off after NOT_SERVING ends when a server says what changed
 * ({@link #awaitChange}). Servers that do not have the stream are asked as before.
 */
final class GroupView implements AutoCloseable {
    /** GetServers is cheap: a server that does not answer it within this is not one to send requests to now. */
    private static final long DISCOVERY_TIMEOUT_MS = 500;

    private final List<String> bootstrap;
    private final ClientOptions options;
    private final Channels channels;
    private volatile ActiveList activeList = new ActiveList(0, "", List.of());
    private volatile String primary = "";
    /** The servers a stream is open (or opening) to, and the open ones' calls, to cancel on close. */
    private final Set<String> watching = ConcurrentHashMap.newKeySet();

    private final Map<String, ClientCallStreamObserver<GetServersRequest>> watches = new ConcurrentHashMap<>();
    /** Servers that answered the watch UNIMPLEMENTED (older ones): not asked for it again. */
    private final Set<String> cannotWatch = ConcurrentHashMap.newKeySet();
    /** Run on every pushed list: the retries' checks whether a call in flight should be given up. */
    private final Set<Runnable> onPush = ConcurrentHashMap.newKeySet();
    /** How many lists were pushed; guarded by {@code this}, which {@link #awaitChange} waits on. */
    private long pushes;

    private volatile boolean closed;

    GroupView(List<String> bootstrap, ClientOptions options, Channels channels) {
        this.bootstrap = List.copyOf(bootstrap);
        this.options = options;
        this.channels = channels;
    }

    List<String> bootstrap() {
        return bootstrap;
    }

    ActiveList activeList() {
        return activeList;
    }

    String primary() {
        return primary;
    }

    /** A server redirected the client to {@code primary}. */
    void primary(String primary) {
        this.primary = primary;
    }

    List<String> known() {
        Set<String> all = new LinkedHashSet<>(bootstrap);
        activeList.servers().stream().map(ServerEntry::address).forEach(all::add);
        return new ArrayList<>(all);
    }

    /**
     * Asks every known server for its Active List at once and believes the one of the highest term (a deposed
     * primary may still think it leads). It waits for every answer, up to a short deadline, unless one is news
     * ({@link #news}) worth acting on now rather than after a dead or frozen server's deadline. True if any
     * answered.
     */
    boolean discover() {
        return discover(address -> false);
    }

    /** As {@link #discover()}, without asking the servers {@code skip} names (those that just failed). */
    boolean discover(Predicate<String> skip) {
        long timeout = Math.min(DISCOVERY_TIMEOUT_MS, options.attemptTimeout().toMillis());
        ActiveList known = activeList;
        List<String> asked = known().stream().filter(skip.negate()).toList();
        BlockingQueue<Optional<ActiveList>> answers = new LinkedBlockingQueue<>();
        for (String address : asked) {
            ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer = CloneGrpc.newFutureStub(
                            channels.to(address))
                    .withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
                    .getServers(GetServersRequest.getDefaultInstance());
            answer.addListener(() -> answers.add(listOf(answer)), MoreExecutors.directExecutor());
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        ActiveList best = null;
        for (int pending = asked.size(); pending > 0; pending--) {
            Optional<ActiveList> list;
            try {
                // The deadline of every call bounds this wait too; the margin covers the callbacks' delivery.
                list = answers.poll(
                        until - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (list == null) {
                break;
            }
            if (list.isPresent()
                    && (best == null
                            || list.get().term() > best.term()
                            || (list.get().term() == best.term()
                                    && best.primary().isEmpty()))) {
                best = list.get();
            }
            if (best != null && news(known, best)) {
                break;
            }
        }
        watchAll();
        if (best == null) {
            return false;
        }
        activeList = best;
        if (!best.primary().isEmpty()) {
            primary = best.primary();
        }
        return true;
    }

    /**
     * Opens a WatchServers stream to every known server that has none (a broken one is reopened here, or when a
     * newer list is pushed).
     */
    void watchAll() {
        for (String address : known()) {
            if (closed || cannotWatch.contains(address) || !watching.add(address)) {
                continue;
            }
            CloneGrpc.newStub(channels.to(address))
                    .watchServers(GetServersRequest.getDefaultInstance(), new Watch(address));
        }
    }

    /** One server's stream of Active Lists. */
    private final class Watch
            implements ClientResponseObserver<GetServersRequest, dev.replicagroup.replica.grpc.v1.ActiveList> {
        private final String address;

        Watch(String address) {
            this.address = address;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<GetServersRequest> call) {
            watches.put(address, call);
        }

        @Override
        public void onNext(dev.replicagroup.replica.grpc.v1.ActiveList list) {
            pushed(ProtoMapper.fromProto(list));
        }

        @Override
        public void onError(Throwable t) {
            ended();
            if (Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
                cannotWatch.add(address);
            }
        }

        @Override
        public void onCompleted() {
            ended();
        }

        private void ended() {
            watches.remove(address);
            watching.remove(address);
        }
    }

    /**
     * A server told what changed. Its list is believed if it is of a newer term, or names a primary the known
     * list of its term did not ({@link #news}); either way whoever waits is woken, since a primary that starts
     * serving pushes the same list again.
     */
    void pushed(ActiveList list) {
        boolean believed = false;
        synchronized (this) {
            ActiveList known = activeList;
            if (list.term() > known.term() || news(known, list)) {
                activeList = list;
                believed = true;
                if (!list.primary().isEmpty()) {
                    primary = list.primary();
                }
            }
            pushes++;
            notifyAll();
        }
        onPush.forEach(Runnable::run);
        if (believed) {
            // A member that joined since the last discovery (a failover's replacement, now promoted) pushes
            // when it starts to serve only to those that watch it.
            watchAll();
        }
    }

    /** The number of lists pushed so far, for {@link #awaitChange}. */
    synchronized long pushes() {
        return pushes;
    }

    /** Waits up to {@code millis}, less if a list is pushed after the {@code seen}-th one. */
    synchronized void awaitChange(long seen, long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            for (long left = millis;
                    pushes == seen && left > 0;
                    left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code check} on every pushed list while {@code body} runs (a call waits for its answer). */
    <T> T whileWaiting(Runnable check, Supplier<T> body) {
        onPush.add(check);
        try {
            return body.get();
        } finally {
            onPush.remove(check);
        }
    }

    /** Ends the streams (the channels are the client's to close). */
    @Override
    public void close() {
        closed = true;
        watches.values().forEach(call -> call.cancel("client closed", null));
    }

    /**
     * A list that names a primary the known one does not: of a newer term (only a failover makes one), or of the
     * same term where the known list named none. The second is a failover whose term the client learnt from
     * fenced helpers before the new primary was promoted in it (an operator that took over a half-done failover
     * promotes in the term it fenced in); waiting for a dead old primary's deadline then cost the clients ~1 s.
     */
    static boolean news(ActiveList known, ActiveList answer) {
        return !answer.primary().isEmpty()
                && (answer.term() > known.term()
                        || (answer.term() == known.term() && known.primary().isEmpty()));
    }

    private static Optional<ActiveList> listOf(ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer) {
        try {
            return Optional.of(ProtoMapper.fromProto(Futures.getDone(answer)));
        } catch (ExecutionException | RuntimeException e) {
            // Not reachable now (or past the deadline); the others may be.
            return Optional.empty();
        }
    }
}
