package dev.replicagroup.replica.service;

import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.grpc.AdminToken;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.EventLoops;
import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.SendSummary;
import dev.replicagroup.replica.replication.PeerNetwork;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Sends protocol messages over gRPC: one client stream per peer, opened on the first message and again after
 * it breaks. A message the stream cannot take now (peer gone, network stalled, transport buffer full) is
 * dropped rather than queued: the protocol resends what matters, and a stalled peer never fills our memory.
 * The exception is a stream whose connection is still starting: its first messages wait for it (a bounded
 * few), since they are a new primary's first updates and its helpers' first answers, and dropping them made
 * every failover wait a heartbeat or two before the new primary could commit.
 * Every stream carries the group's token, which the peer's server checks ({@code TokenInterceptor}).
 */
public final class GrpcPeerNetwork implements PeerNetwork {
    private static final Logger LOG = Logger.getLogger(GrpcPeerNetwork.class);
    /** What may wait in the transport for one peer before messages are dropped: a few full update batches. */
    static final int BUFFER_BYTES = 8 * 1024 * 1024;
    /** What may wait for a stream whose connection has not started yet: more than a beat's worth, at most this. */
    static final int STARTING_QUEUE = 256;

    private final Channels channels;
    private final ClientInterceptor token;
    private final Map<String, Outbound> streams = new ConcurrentHashMap<>();
    /** The last refusal each peer gave, so that a peer refusing every reopened stream is logged once. */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    /** Guarded by this: no stream opens after close. */
    private boolean closed;

    /**
     * Streams on {@code loops} (the replica's own event loop; its owner closes it after this network), each with
     * {@code token} (empty: none, for peers that do not check it), secured by {@code security} (with TLS, this
     * member's certificate).
     */
    public GrpcPeerNetwork(EventLoops loops, String token, ChannelSecurity security) {
        this.channels = new Channels(loops, security);
        this.token =
                MetadataUtils.newAttachHeadersInterceptor(token.isEmpty() ? new Metadata() : AdminToken.headers(token));
    }

    /** One open stream to a peer; the gRPC callbacks run on transport threads. */
    private final class Outbound implements ClientResponseObserver<PeerMessage, SendSummary> {
        final String address;
        volatile ClientCallStreamObserver<PeerMessage> call;
        volatile boolean broken;
        /** The stream was ready once: from then on, not ready means its buffer is full. */
        volatile boolean started;
        /** Messages and bytes handed to the stream before it started (only the engine thread sends). */
        int waiting;

        long waitingBytes;

        Outbound(String address) {
            this.address = address;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<PeerMessage> requestStream) {
            call = requestStream;
            requestStream.setOnReadyHandler(() -> started = true);
        }

        /** Whether a message the stream is not ready for may wait for it: only while it starts, and few. */
        boolean mayWait(PeerMessage message) {
            if (started || waiting >= STARTING_QUEUE || waitingBytes + message.getSerializedSize() > BUFFER_BYTES) {
                return false;
            }
            waiting++;
            waitingBytes += message.getSerializedSize();
            return true;
        }

        @Override
        public void onNext(SendSummary value) {}

        @Override
        public void onError(Throwable t) {
            end();
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.INVALID_ARGUMENT) {
                // Not a network fault: it repeats with every stream until someone fixes the configuration.
                if (!t.getMessage().equals(refusals.put(address, t.getMessage()))) {
                    LOG.warnf("peer %s refuses this replica's messages: %s", address, t.getMessage());
                }
            } else {
                LOG.debugf("stream to %s ended: %s", address, t.getMessage());
            }
        }

        @Override
        public void onCompleted() {
            end();
        }

        void end() {
            broken = true;
            streams.remove(address, this);
        }
    }

    @Override
    public void send(Message message) {
        Outbound out = streams.get(message.to());
        if (out == null) {
            out = open(message.to());
        }
        ClientCallStreamObserver<PeerMessage> call = out.call;
        if (out.broken || call == null) {
            return;
        }
        PeerMessage proto = PeerMessages.toProto(message);
        if (call.isReady()) {
            out.started = true;
        } else if (!out.mayWait(proto)) {
            // Dropped: the transport has more than its buffer queued for this peer, or its connection is slow
            // to start and already holds enough.
            return;
        }
        try {
            call.onNext(proto);
        } catch (RuntimeException e) {
            out.end();
        }
    }

    /** How many messages wait for the stream to {@code address} to start (0 without one). */
    int waiting(String address) {
        Outbound out = streams.get(address);
        return out == null ? 0 : out.waiting;
    }

    /** Only the engine thread sends, so no other stream to the address can be opened meanwhile. */
    private Outbound open(String address) {
        Outbound out = new Outbound(address);
        synchronized (this) {
            if (closed) {
                // The replica is stopping and its engine still sends: a channel opened now would outlive close()
                // and start on the event loop its owner is about to stop.
                out.broken = true;
                return out;
            }
            streams.put(address, out);
            // With a direct executor the call may fail, and remove itself, before send returns.
            PeerGrpc.newStub(channels.to(address))
                    .withOnReadyThreshold(BUFFER_BYTES)
                    .withInterceptors(token)
                    .send(out);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        streams.values().forEach(o -> {
            o.broken = true;
            if (o.call != null) {
                o.call.cancel("replica stopped", null);
            }
        });
        streams.clear();
        channels.close();
    }
}
