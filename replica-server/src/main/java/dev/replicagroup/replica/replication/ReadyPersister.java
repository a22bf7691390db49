package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.Ready;
import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.storage.ReplicaStorage;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Carries each {@link Ready}'s messages and durable changes out in the order durability needs (docs/durability.md):
 * what may go at once, the persist through the {@link ReplicaStorage} and {@link ReplicaMachine#persisted}, then the
 * rest; and remembers why the storage failed. Used on {@link ReplicaNode}'s engine thread only.
 */
final class ReadyPersister implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReadyPersister.class);

    private final String self;
    private final ReplicaMachine machine;
    private final ReplicaStorage storage;
    private final PeerNetwork network;
    /** Why the storage failed at the last attempt; empty while it works. */
    private String problem = "";

    ReadyPersister(String self, ReplicaMachine machine, ReplicaStorage storage, PeerNetwork network) {
        this.self = self;
        this.machine = machine;
        this.storage = storage;
        this.network = network;
    }

    /**
     * Sends and persists the Ready; false (nothing more sent, the reason kept) if the storage failed. A primary's
     * updates leave before its own fsync and reach its helpers while it runs (see {@link Ready}), unless the last
     * persist failed: then not even its heartbeats go before one succeeds, so that its helpers report it lost and
     * the operator fails over while its disk is full.
     */
    boolean carry(Ready ready) {
        boolean early = problem.isEmpty();
        if (early) {
            ready.sendAtOnce().forEach(network::send);
        }
        if (!persist(ready)) {
            return false;
        }
        if (!early) {
            ready.sendAtOnce().forEach(network::send);
        }
        ready.messages().forEach(network::send);
        return true;
    }

    private boolean persist(Ready ready) {
        try {
            storage.persist(ready.durable());
        } catch (IOException e) {
            String why = self + " cannot persist its state in " + storage.location() + ": " + e.getMessage()
                    + "; it acknowledges nothing, and writes and reads fail, until it can (free space, fix the disk)";
            if (!why.equals(problem)) {
                LOG.error(why, e);
            }
            problem = why;
            return false;
        }
        machine.persisted();
        if (!problem.isEmpty()) {
            LOG.infof("%s persists its state in %s again", self, storage.location());
            problem = "";
        }
        return true;
    }

    /** Why the last persist failed; empty while the storage works. */
    String problem() {
        return problem;
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (IOException e) {
            LOG.warnf("closing the storage in %s: %s", storage.location(), e.getMessage());
        }
    }
}
