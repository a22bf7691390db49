package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.client.ReplicaAdmin;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replicas in one JVM, wired through memory instead of gRPC, with faults: a link between two addresses can be
 * cut (both directions: messages between them are dropped) and healed, and a replica can crash. The operator's
 * view is an address too ({@link #OPERATOR}), so a test can cut the operator off from an old primary that
 * still reaches its helpers and clients. Clients are addresses as well: their writes ({@link #write}) cross the
 * same links, so a client can be cut off from a replica.
 */
final class InMemoryNetwork {
    static final String OPERATOR = "operator";

    private final Map<String, ReplicaNode> nodes = new ConcurrentHashMap<>();
    private final Set<String> cuts = ConcurrentHashMap.newKeySet();

    void register(ReplicaNode node) {
        nodes.put(node.address(), node);
    }

    /** Stops a replica as a crash would: it answers nothing, and what is sent to it is lost. */
    void crash(String address) {
        ReplicaNode node = nodes.remove(address);
        if (node != null) {
            node.close();
        }
    }

    void cut(String a, String b) {
        cuts.add(a + "|" + b);
        cuts.add(b + "|" + a);
    }

    void healAll() {
        cuts.clear();
    }

    private ReplicaNode reach(String from, String to) throws ReplicaException {
        ReplicaNode node = nodes.get(to);
        if (node == null || cuts.contains(from + "|" + to)) {
            throw ReplicaException.of(Reason.UNREACHABLE, from + " cannot reach " + to);
        }
        return node;
    }

    private static <T> T await(CompletableFuture<T> future) throws ReplicaException {
        try {
            return future.get(3, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ReplicaException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw ReplicaException.of(Reason.UNREACHABLE, "timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReplicaException.of(Reason.UNREACHABLE, "interrupted");
        }
    }

    /** An acknowledgement as it reached the client, and when its reply crossed the link. */
    record Delivered(WriteResult result, long atNanos) {}

    /**
     * A write from {@code client} to replica {@code to}, across the link between them both ways: a request the
     * link (or a crash) stops fails as certainly not applied; a reply it stops is lost, so the client learns only
     * that the write may have been applied. {@link Delivered#atNanos} is taken before the reply's link is
     * checked: an acknowledgement stamped after a cut began cannot have crossed the cut link.
     */
    CompletableFuture<Delivered> write(String client, String to, WriteId id, Operation op) {
        ReplicaNode node;
        try {
            node = reach(client, to);
        } catch (ReplicaException neverSent) {
            return CompletableFuture.failedFuture(
                    new ReplicaException(neverSent.reason(), "request lost: " + neverSent.getMessage(), 0, "", true));
        }
        return node.write(id, op).handle((result, failure) -> {
            long at = System.nanoTime();
            if (nodes.get(to) != node || cuts.contains(to + "|" + client)) {
                throw new CompletionException(
                        ReplicaException.of(Reason.UNREACHABLE, "the reply of " + to + " to " + client + " was lost"));
            }
            if (failure != null) {
                throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
            }
            return new Delivered(result, at);
        });
    }

    /** The network as replica {@code self} sees it. */
    PeerNetwork from(String self) {
        return message -> {
            try {
                reach(self, message.to()).deliver(message);
            } catch (ReplicaException cutOrDown) {
                // Lost, as on a real network.
            }
        };
    }

    /** Admin calls from the operator's place in the network. */
    ReplicaAdmin admin() {
        return new ReplicaAdmin() {
            @Override
            public NodeStatus status(String address) throws ReplicaException {
                return await(reach(OPERATOR, address).status());
            }

            @Override
            public NodeStatus promote(String address, long term, long holdoffMillis) throws ReplicaException {
                return await(reach(OPERATOR, address).promote(term, holdoffMillis));
            }

            @Override
            public NodeStatus follow(String address, String primary, long term) throws ReplicaException {
                return await(reach(OPERATOR, address).follow(primary, term));
            }

            @Override
            public NodeStatus fence(String address, long term) throws ReplicaException {
                return await(reach(OPERATOR, address).fence(term));
            }

            @Override
            public NodeStatus pauseWrites(String address, long term, int millis) throws ReplicaException {
                return await(reach(OPERATOR, address).pauseWrites(term, millis));
            }
        };
    }
}
