package dev.replicagroup.replica.service;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.status.NodeStatus;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients' WatchServers streams: the Active List at once, then again whenever this replica's view of the group
 * changes in a way a client acts on (its role, the term, the primary, whether it serves). A client blocked on a
 * frozen or cut-off primary learns of the failover from the other members the moment it happens, and one waiting
 * for a new primary to serve learns that from the primary itself, instead of finding either by polling.
 */
public final class ServersWatch implements AutoCloseable {
    private final ReplicaNode node;
    private final Set<ServerCallStreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList>> watchers =
            ConcurrentHashMap.newKeySet();
    /** What the watchers were last told about; only the engine thread reads and writes it. */
    private Key last;

    private record Key(Object role, long term, String primary, boolean serving) {
        static Key of(NodeStatus s) {
            return new Key(s.role(), s.term(), s.primary(), s.timing().serving());
        }
    }

    // The sends' futures are not needed: a list that cannot be read (the node is closing) tells a watcher nothing.
    @SuppressWarnings("FutureReturnValueIgnored")
    public ServersWatch(ReplicaNode node) {
        this.node = node;
        // Runs on the engine thread after every batch of inputs: a comparison unless something changed.
        node.onChange(status -> {
            Key key = Key.of(status);
            if (!key.equals(last)) {
                last = key;
                if (!watchers.isEmpty()) {
                    node.servers().thenAccept(list -> watchers.forEach(w -> send(w, list)));
                }
            }
        });
    }

    @SuppressWarnings("FutureReturnValueIgnored") // as above
    void watch(StreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList> out) {
        ServerCallStreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList> call =
                (ServerCallStreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList>) out;
        call.setOnCancelHandler(() -> watchers.remove(call));
        watchers.add(call);
        node.servers().thenAccept(list -> send(call, list));
    }

    private void send(ServerCallStreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList> to, ActiveList list) {
        // A stream takes one message at a time; the engine's changes and a new watcher's first list may meet.
        synchronized (to) {
            try {
                to.onNext(ProtoMapper.toProto(list));
            } catch (RuntimeException cancelled) {
                watchers.remove(to);
            }
        }
    }

    /** Ends every stream: the server is stopping, and a client then looks elsewhere at once. */
    @Override
    public void close() {
        watchers.forEach(w -> {
            synchronized (w) {
                try {
                    w.onCompleted();
                } catch (RuntimeException cancelled) {
                    // the client went first
                }
            }
        });
        watchers.clear();
    }
}
