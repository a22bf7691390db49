package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.status.NodeStatus;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Admin Watch streams: the status at once, then on every change a failover cares about (role, term,
 * primary, serving, primary lost, caught up, problem), and at least every keepalive, so that the watcher tells a
 * frozen replica from a quiet one by the silence.
 */
public final class StatusWatch implements AutoCloseable {
    static final int DEFAULT_KEEPALIVE_MILLIS = 1000;
    private final ReplicaNode node;
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService keepalives = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replica-status-watch");
        t.setDaemon(true);
        return t;
    });

    /** What a watcher is told about; a change of anything else (seq, lag) waits for the keepalive. */
    private record Key(
            Object role, long term, String primary, boolean serving, boolean lost, boolean caughtUp, String problem) {
        static Key of(NodeStatus s) {
            return new Key(
                    s.role(),
                    s.term(),
                    s.primary(),
                    s.timing().serving(),
                    s.timing().primaryLost(),
                    s.caughtUp(),
                    s.problem());
        }
    }

    private final class Watcher {
        final ServerCallStreamObserver<StatusResponse> out;
        final long keepaliveNanos;
        Key last;
        long sentAt;

        Watcher(ServerCallStreamObserver<StatusResponse> out, long keepaliveMillis) {
            this.out = out;
            this.keepaliveNanos = TimeUnit.MILLISECONDS.toNanos(keepaliveMillis);
        }

        synchronized void offer(NodeStatus status, boolean force) {
            Key key = Key.of(status);
            if (!force && Objects.equals(key, last)) {
                return;
            }
            last = key;
            sentAt = System.nanoTime();
            try {
                out.onNext(ProtoMapper.toProto(status));
            } catch (RuntimeException closed) {
                watchers.remove(this);
            }
        }

        synchronized boolean due() {
            return System.nanoTime() - sentAt >= keepaliveNanos;
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // offer() catches a closed stream; close() ends the keepalives
    public StatusWatch(ReplicaNode node) {
        this.node = node;
        node.onChange(status -> watchers.forEach(w -> w.offer(status, false)));
        keepalives.scheduleWithFixedDelay(
                () -> {
                    NodeStatus now = node.view();
                    watchers.stream().filter(Watcher::due).forEach(w -> w.offer(now, true));
                },
                100,
                100,
                TimeUnit.MILLISECONDS);
    }

    void watch(int keepaliveMillis, StreamObserver<StatusResponse> out) {
        ServerCallStreamObserver<StatusResponse> call = (ServerCallStreamObserver<StatusResponse>) out;
        Watcher watcher = new Watcher(call, keepaliveMillis > 0 ? keepaliveMillis : DEFAULT_KEEPALIVE_MILLIS);
        call.setOnCancelHandler(() -> watchers.remove(watcher));
        watchers.add(watcher);
        watcher.offer(node.view(), true);
    }

    @Override
    public void close() {
        keepalives.shutdownNow();
        watchers.forEach(w -> {
            try {
                w.out.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled by the watcher
            }
        });
        watchers.clear();
    }
}
