package dev.replicagroup.operator.replicas;

import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends one admin call to many replicas at once and waits for all answers: a step costs at most one call
 * deadline (replicagroup.admin-call-timeout), however many replicas are dead or frozen.
 */
@ApplicationScoped
public class AdminFanout {
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replica-admin-call");
        t.setDaemon(true);
        return t;
    });

    /** One admin call to one address (AdminClient::status, a fence in a term, ...). */
    @FunctionalInterface
    public interface Call {
        NodeStatus to(String address) throws ReplicaException;
    }

    /** A replica's answer, or why there is none. */
    public record Answer(NodeStatus status, ReplicaException error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** @param addresses pod name to replica address; returns each pod's answer */
    public Map<String, Answer> callAll(Map<String, String> addresses, Call call) {
        return callAll(addresses, call, () -> {});
    }

    /**
     * As {@link #callAll(Map, Call)}, running {@code meanwhile} on this thread while the calls are in flight: an API
     * write the same step needs (the Fence step's label patch) then costs no time of its own.
     */
    public Map<String, Answer> callAll(Map<String, String> addresses, Call call, Runnable meanwhile) {
        Map<String, CompletableFuture<Answer>> asked = new HashMap<>();
        addresses.forEach((pod, address) -> asked.put(
                pod,
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return new Answer(call.to(address), null);
                            } catch (ReplicaException e) {
                                return new Answer(null, e);
                            }
                        },
                        calls)));
        meanwhile.run();
        Map<String, Answer> answers = new HashMap<>();
        asked.forEach((pod, answer) -> answers.put(pod, answer.join()));
        return answers;
    }

    @PreDestroy
    void stop() {
        calls.shutdownNow();
    }
}
