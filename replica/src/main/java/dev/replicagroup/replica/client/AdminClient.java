package dev.replicagroup.replica.client;

import dev.replicagroup.replica.failover.ReplicaAdmin;
import dev.replicagroup.replica.grpc.AdminToken;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.AdminGrpc;
import dev.replicagroup.replica.grpc.v1.FenceRequest;
import dev.replicagroup.replica.grpc.v1.FollowRequest;
import dev.replicagroup.replica.grpc.v1.PromoteRequest;
import dev.replicagroup.replica.grpc.v1.StatusRequest;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Admin calls (Status, Promote, Follow, Fence) to any replica, with the group's admin token. */
public final class AdminClient implements ReplicaAdmin, AutoCloseable {
    private final Channels channels = new Channels();
    private final String token;
    private final Duration callTimeout;

    public AdminClient(String token, Duration callTimeout) {
        this.token = token;
        this.callTimeout = callTimeout;
    }

    @Override
    public NodeStatus status(String address) throws ReplicaException {
        return call(address, stub -> stub.status(StatusRequest.getDefaultInstance()));
    }

    @Override
    public NodeStatus promote(String address, long term) throws ReplicaException {
        return call(address, stub -> stub.promote(PromoteRequest.newBuilder().setTerm(term).build()));
    }

    @Override
    public NodeStatus follow(String address, String primary, long term) throws ReplicaException {
        return call(address, stub -> stub.follow(FollowRequest.newBuilder().setPrimary(primary).setTerm(term).build()));
    }

    @Override
    public NodeStatus fence(String address, long term) throws ReplicaException {
        return call(address, stub -> stub.fence(FenceRequest.newBuilder().setTerm(term).build()));
    }

    private NodeStatus call(String address, Function<AdminGrpc.AdminBlockingStub, StatusResponse> rpc)
            throws ReplicaException {
        AdminGrpc.AdminBlockingStub stub = AdminGrpc.newBlockingStub(channels.to(address))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(AdminToken.headers(token)))
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return ProtoMapper.fromProto(rpc.apply(stub));
        } catch (StatusRuntimeException e) {
            throw Errors.fromStatus(e, address);
        }
    }

    @Override
    public void close() {
        channels.close();
    }
}
