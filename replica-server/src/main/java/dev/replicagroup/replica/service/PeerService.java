package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.SendSummary;
import dev.replicagroup.replica.replication.ReplicaNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The replica-to-replica service (behind {@link TokenInterceptor}): a stream of protocol messages from one peer,
 * each handed to the engine. A stream speaks for one sender: a message naming another sender than the stream's
 * first ends the stream, so that one connection cannot act as several helpers.
 */
final class PeerService extends PeerGrpc.PeerImplBase {
    private final ReplicaNode node;

    PeerService(ReplicaNode node) {
        this.node = node;
    }

    @Override
    public StreamObserver<PeerMessage> send(StreamObserver<SendSummary> out) {
        return new StreamObserver<>() {
            private long received;
            private volatile String from;
            private boolean refused;

            @Override
            public void onNext(PeerMessage message) {
                if (refused) {
                    return;
                }
                if (from != null && !from.equals(message.getFrom())) {
                    refused = true;
                    out.onError(Status.INVALID_ARGUMENT
                            .withDescription("this stream carries the messages of " + from + ", not of "
                                    + message.getFrom() + ": open one stream per sending replica")
                            .asRuntimeException());
                    return;
                }
                received++;
                from = message.getFrom();
                PeerMessages.fromProto(message).ifPresent(node::deliver);
            }

            @Override
            public void onError(Throwable t) {
                // The sender went away (it opens a new stream with its next message, if it still runs): a helper
                // whose primary's stream breaks stops waiting the whole detection timeout for it.
                if (from != null) {
                    node.disconnected(from);
                }
            }

            @Override
            public void onCompleted() {
                if (from != null) {
                    node.disconnected(from);
                }
                try {
                    out.onNext(SendSummary.newBuilder().setReceived(received).build());
                    out.onCompleted();
                } catch (IllegalStateException | StatusRuntimeException alreadyClosed) {
                    // Cancelled by the sender.
                }
            }
        };
    }
}
