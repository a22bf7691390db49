package dev.replicagroup.replica.grpc;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.grpc.v1.Ack;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.ReplicateRequest;
import dev.replicagroup.replica.grpc.v1.ReplicateResponse;
import dev.replicagroup.replica.replication.HereToHelp;
import dev.replicagroup.replica.replication.PeerClient;
import dev.replicagroup.replica.replication.PeerNetwork;
import dev.replicagroup.replica.replication.ReplicaException;
import dev.replicagroup.replica.replication.ReplicationListener;
import dev.replicagroup.replica.replication.ReplicationStream;
import dev.replicagroup.replica.replication.Thx;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Reaches peers over gRPC. */
public final class GrpcPeerNetwork implements PeerNetwork {
    private final Channels channels = new Channels();
    private final Duration callTimeout;

    public GrpcPeerNetwork(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    @Override
    public PeerClient to(String address) {
        return new Client(address);
    }

    @Override
    public void close() {
        channels.close();
    }

    private final class Client implements PeerClient {
        private final String address;

        Client(String address) {
            this.address = address;
        }

        @Override
        public Thx hereToHelp(HereToHelp request) throws ReplicaException {
            try {
                return ProtoMapper.fromProto(PeerGrpc.newBlockingStub(channels.to(address))
                        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .hereToHelp(ProtoMapper.toProto(request)));
            } catch (StatusRuntimeException e) {
                throw Errors.fromStatus(e, address);
            }
        }

        @Override
        public ActiveList getServers(String helperAddress) throws ReplicaException {
            try {
                return ProtoMapper.fromProto(CloneGrpc.newBlockingStub(channels.to(address))
                        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .getServers(GetServersRequest.newBuilder().setHelperAddress(helperAddress).build()));
            } catch (StatusRuntimeException e) {
                throw Errors.fromStatus(e, address);
            }
        }

        @Override
        public ReplicationStream replicate(HereToHelp open, ReplicationListener listener) {
            Stream stream = new Stream(address, listener);
            PeerGrpc.newStub(channels.to(address)).replicate(stream);
            stream.send(ReplicateRequest.newBuilder().setOpen(ProtoMapper.toProto(open)).build());
            return stream;
        }
    }

    /** The helper's end of the update stream. */
    private static final class Stream implements ReplicationStream, ClientResponseObserver<ReplicateRequest,
            ReplicateResponse> {
        private final String address;
        private final ReplicationListener listener;
        private ClientCallStreamObserver<ReplicateRequest> requests;
        private boolean closed;

        Stream(String address, ReplicationListener listener) {
            this.address = address;
            this.listener = listener;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ReplicateRequest> requestStream) {
            this.requests = requestStream;
        }

        synchronized void send(ReplicateRequest request) {
            if (!closed) {
                requests.onNext(request);
            }
        }

        @Override
        public void ack(LogPosition matched) {
            send(ReplicateRequest.newBuilder().setAck(Ack.newBuilder().setLast(ProtoMapper.toProto(matched))).build());
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                requests.cancel("the helper closed its update stream", null);
            }
        }

        @Override
        public void onNext(ReplicateResponse response) {
            listener.onUpdate(response.getTerm(), ProtoMapper.fromProto(response.getUpdate()));
        }

        @Override
        public void onError(Throwable t) {
            listener.onError(Errors.fromStatus(t, address));
        }

        @Override
        public void onCompleted() {
            listener.onError(ReplicaException.of(ReplicaException.Reason.UNREACHABLE,
                    "primary " + address + " ended the update stream"));
        }
    }
}
