package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.status.ReplicaException;
import io.grpc.stub.StreamObserver;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Completes a unary call from an engine future, mapping errors and recording the request. */
final class Replies {
    private final RequestMetrics metrics;

    Replies(RequestMetrics metrics) {
        this.metrics = metrics;
    }

    <T, R> void reply(String type, CompletionStage<T> result, Function<T, R> toProto, StreamObserver<R> out) {
        long start = System.nanoTime();
        result.whenComplete((value, failure) -> {
            if (failure == null) {
                metrics.record(type, "ok", System.nanoTime() - start);
                out.onNext(toProto.apply(value));
                out.onCompleted();
            } else {
                Throwable cause = Errors.cause(failure);
                String outcome =
                        cause instanceof ReplicaException e ? e.reason().name().toLowerCase(Locale.ROOT) : "internal";
                metrics.record(type, outcome, System.nanoTime() - start);
                out.onError(Errors.toStatus(cause));
            }
        });
    }
}
