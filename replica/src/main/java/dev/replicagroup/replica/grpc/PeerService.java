package dev.replicagroup.replica.grpc;

import dev.replicagroup.replica.core.CatchUp;
import dev.replicagroup.replica.grpc.v1.HereToHelpRequest;
import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.ReplicateRequest;
import dev.replicagroup.replica.grpc.v1.ReplicateResponse;
import dev.replicagroup.replica.grpc.v1.Thx;
import dev.replicagroup.replica.replication.HelperSession;
import dev.replicagroup.replica.replication.ReplicaException;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.replication.UpdateSink;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The replica-to-replica service: HERETOHELP and the update stream. */
final class PeerService extends PeerGrpc.PeerImplBase {
    private final ReplicaNode node;
    private final Replies replies;

    PeerService(ReplicaNode node, RequestMetrics metrics) {
        this.node = node;
        this.replies = new Replies(metrics);
    }

    @Override
    public void hereToHelp(HereToHelpRequest request, StreamObserver<Thx> out) {
        replies.reply("here_to_help", node.hereToHelp(ProtoMapper.fromProto(request)), ProtoMapper::toProto, out);
    }

    @Override
    public StreamObserver<ReplicateRequest> replicate(StreamObserver<ReplicateResponse> responses) {
        ServerCallStreamObserver<ReplicateResponse> out = (ServerCallStreamObserver<ReplicateResponse>) responses;
        // Handlers can only be set now; they reach the session once the open message has created it.
        HelperSession[] opened = new HelperSession[1];
        out.setOnReadyHandler(() -> {
            HelperSession s = opened[0];
            if (s != null) {
                s.onReady();
            }
        });
        out.setOnCancelHandler(() -> {
            HelperSession s = opened[0];
            if (s != null) {
                s.onClosed();
            }
        });
        return new StreamObserver<>() {
            private HelperSession session;

            @Override
            public void onNext(ReplicateRequest request) {
                if (request.hasOpen() && session == null) {
                    session = node.openReplication(ProtoMapper.fromProto(request.getOpen()), new Sink(out));
                    opened[0] = session;
                } else if (request.hasAck() && session != null) {
                    session.onAck(ProtoMapper.fromProto(request.getAck().getLast()));
                } else {
                    out.onError(Status.INVALID_ARGUMENT
                            .withDescription("the update stream starts with one open message, then acks")
                            .asRuntimeException());
                }
            }

            @Override
            public void onError(Throwable t) {
                if (session != null) {
                    session.onClosed();
                }
            }

            @Override
            public void onCompleted() {
                if (session != null) {
                    session.onClosed();
                }
                try {
                    out.onCompleted();
                } catch (IllegalStateException | StatusRuntimeException alreadyClosed) {
                    // The engine closed the stream first.
                }
            }
        };
    }

    /** Writes updates to the stream; the engine calls it from its single thread only. */
    private static final class Sink implements UpdateSink {
        private final ServerCallStreamObserver<ReplicateResponse> out;
        private boolean finished;

        Sink(ServerCallStreamObserver<ReplicateResponse> out) {
            this.out = out;
        }

        @Override
        public boolean ready() {
            return !finished && !out.isCancelled() && out.isReady();
        }

        @Override
        public void send(long term, CatchUp update) {
            if (finished) {
                return;
            }
            try {
                out.onNext(ReplicateResponse.newBuilder().setTerm(term).setUpdate(ProtoMapper.toProto(update)).build());
            } catch (IllegalStateException | StatusRuntimeException closed) {
                finished = true;
            }
        }

        @Override
        public void fail(ReplicaException error) {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.onError(Errors.toStatus(error));
            } catch (IllegalStateException | StatusRuntimeException closed) {
                // Already cancelled by the helper.
            }
        }
    }
}
