package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.CatchUp;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.failover.ReplicaAdmin;
import dev.replicagroup.replica.replication.ReplicaException.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replicas in one JVM, wired through memory instead of gRPC, with faults: a link between two addresses can be
 * cut (both directions; open streams between them break) and healed, and a replica can crash. The operator's
 * view is an address too ({@link #OPERATOR}), so a test can cut the operator off from an old primary that
 * still reaches its helpers and clients.
 */
final class InMemoryNetwork {
    static final String OPERATOR = "operator";

    private final Map<String, ReplicaNode> nodes = new ConcurrentHashMap<>();
    private final Set<String> cuts = ConcurrentHashMap.newKeySet();
    private final List<Link> links = new CopyOnWriteArrayList<>();

    void register(ReplicaNode node) {
        nodes.put(node.address(), node);
    }

    /** Stops a replica as a crash would: its streams break and it answers nothing. */
    void crash(String address) {
        ReplicaNode node = nodes.remove(address);
        links.stream().filter(l -> l.helper.equals(address) || l.primary.equals(address)).forEach(Link::breakOff);
        if (node != null) {
            node.close();
        }
    }

    void cut(String a, String b) {
        cuts.add(a + "|" + b);
        cuts.add(b + "|" + a);
        links.stream().filter(l -> l.between(a, b)).forEach(Link::breakOff);
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

    /** The network as replica {@code self} sees it. */
    PeerNetwork from(String self) {
        return address -> new PeerClient() {
            @Override
            public Thx hereToHelp(HereToHelp request) throws ReplicaException {
                return await(reach(self, address).hereToHelp(request));
            }

            @Override
            public ActiveList getServers(String helperAddress) throws ReplicaException {
                return await(reach(self, address).servers(helperAddress));
            }

            @Override
            public ReplicationStream replicate(HereToHelp open, ReplicationListener listener) {
                Link link = new Link(self, address, listener);
                links.add(link);
                try {
                    link.session = reach(self, address).openReplication(open, link);
                } catch (ReplicaException e) {
                    link.breakOff();
                }
                return link;
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
        };
    }

    /** One update stream: the primary's sink and the helper's stream in one object. */
    private final class Link implements UpdateSink, ReplicationStream {
        final String helper;
        final String primary;
        final ReplicationListener listener;
        volatile HelperSession session;
        volatile boolean broken;

        Link(String helper, String primary, ReplicationListener listener) {
            this.helper = helper;
            this.primary = primary;
            this.listener = listener;
        }

        boolean between(String a, String b) {
            return (helper.equals(a) && primary.equals(b)) || (helper.equals(b) && primary.equals(a));
        }

        synchronized void breakOff() {
            if (!broken) {
                broken = true;
                links.remove(this);
                listener.onError(ReplicaException.of(Reason.UNREACHABLE, "link " + helper + " - " + primary + " cut"));
                if (session != null) {
                    session.onClosed();
                }
            }
        }

        @Override
        public boolean ready() {
            return !broken;
        }

        @Override
        public void send(long term, CatchUp update) {
            if (!broken) {
                listener.onUpdate(term, update);
            }
        }

        @Override
        public void fail(ReplicaException error) {
            if (!broken) {
                broken = true;
                links.remove(this);
                listener.onError(error);
            }
        }

        @Override
        public void ack(LogPosition matched) {
            HelperSession s = session;
            if (!broken && s != null) {
                s.onAck(matched);
            }
        }

        @Override
        public void close() {
            if (!broken) {
                broken = true;
                links.remove(this);
                if (session != null) {
                    session.onClosed();
                }
            }
        }
    }
}
