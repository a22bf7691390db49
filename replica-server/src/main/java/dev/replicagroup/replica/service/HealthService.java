package dev.replicagroup.replica.service;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.status.NodeStatus;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standard {@code grpc.health.v1} service the readiness probe calls: SERVING for a primary that holds its
 * lease, or a helper that has caught up with a primary once (also while it has lost its primary, so that it
 * stays Ready and eligible for promotion); NOT_SERVING otherwise (joining, fenced, a primary cut off from its
 * helpers).
 */
final class HealthService extends HealthGrpc.HealthImplBase {
    private final ReplicaNode node;
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

    /** One Watch call and the status it was last sent (guarded by the watcher's lock). */
    private static final class Watcher {
        final StreamObserver<HealthCheckResponse> out;
        ServingStatus last;

        Watcher(StreamObserver<HealthCheckResponse> out, ServingStatus last) {
            this.out = out;
            this.last = last;
        }
    }

    HealthService(ReplicaNode node) {
        this.node = node;
        node.onChange(this::publish);
    }

    static ServingStatus statusOf(NodeStatus status) {
        boolean serving = status.role() == Role.PRIMARY ? status.timing().serving() : status.caughtUp();
        return serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        out.onNext(HealthCheckResponse.newBuilder()
                .setStatus(statusOf(node.view()))
                .build());
        out.onCompleted();
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        ServingStatus current = statusOf(node.view());
        Watcher watcher = new Watcher(out, current);
        watchers.add(watcher);
        ((ServerCallStreamObserver<HealthCheckResponse>) out).setOnCancelHandler(() -> watchers.remove(watcher));
        synchronized (watcher) {
            out.onNext(HealthCheckResponse.newBuilder().setStatus(current).build());
        }
    }

    private void publish(NodeStatus status) {
        ServingStatus now = statusOf(status);
        for (Iterator<Watcher> it = watchers.iterator(); it.hasNext(); ) {
            Watcher watcher = it.next();
            synchronized (watcher) {
                if (watcher.last != now) {
                    watcher.last = now;
                    try {
                        watcher.out.onNext(
                                HealthCheckResponse.newBuilder().setStatus(now).build());
                    } catch (RuntimeException closed) {
                        it.remove();
                    }
                }
            }
        }
    }
}
