package dev.replicagroup.replica.client;

import dev.replicagroup.replica.grpc.AdminToken;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.AdminGrpc;
import dev.replicagroup.replica.grpc.v1.FenceRequest;
import dev.replicagroup.replica.grpc.v1.FollowRequest;
import dev.replicagroup.replica.grpc.v1.PauseWritesRequest;
import dev.replicagroup.replica.grpc.v1.PromoteRequest;
import dev.replicagroup.replica.grpc.v1.StatusRequest;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.grpc.v1.WatchRequest;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/** Admin calls (Status, Promote, Follow, Fence, PauseWrites) to any replica, with the group's admin token. */
public final class AdminClient implements ReplicaAdmin, AutoCloseable {
    private final Channels channels;
    private final String token;
    private final Duration callTimeout;

    /** Plaintext. */
    public AdminClient(String token, Duration callTimeout) {
        this(token, callTimeout, ChannelSecurity.plaintext());
    }

    public AdminClient(String token, Duration callTimeout, ChannelSecurity security) {
        this.token = token;
        this.callTimeout = callTimeout;
        this.channels = new Channels(security);
    }

    @Override
    public NodeStatus status(String address) throws ReplicaException {
        return call(address, stub -> stub.status(StatusRequest.getDefaultInstance()));
    }

    @Override
    public NodeStatus promote(String address, long term, long holdoffMillis) throws ReplicaException {
        return call(
                address,
                stub -> stub.promote(PromoteRequest.newBuilder()
                        .setTerm(term)
                        .setHoldoffMillis(holdoffMillis)
                        .build()));
    }

    @Override
    public NodeStatus follow(String address, String primary, long term) throws ReplicaException {
        return call(
                address,
                stub -> stub.follow(FollowRequest.newBuilder()
                        .setPrimary(primary)
                        .setTerm(term)
                        .build()));
    }

    @Override
    public NodeStatus fence(String address, long term) throws ReplicaException {
        return call(
                address,
                stub -> stub.fence(FenceRequest.newBuilder().setTerm(term).build()));
    }

    @Override
    public NodeStatus pauseWrites(String address, long term, int millis) throws ReplicaException {
        return call(
                address,
                stub -> stub.pauseWrites(PauseWritesRequest.newBuilder()
                        .setTerm(term)
                        .setMillis(millis)
                        .build()));
    }

    /**
     * Opens a Watch stream: {@code onStatus} gets the status at once, on each change a failover cares about and
     * at least every {@code keepaliveMillis}; {@code onEnd} gets why the stream ended (never called after
     * {@link AutoCloseable#close()}). Callbacks run on a gRPC thread and must not block. The watcher decides
     * what a missing keepalive means; the stream itself has no deadline.
     */
    public AutoCloseable watch(
            String address, int keepaliveMillis, Consumer<NodeStatus> onStatus, Consumer<ReplicaException> onEnd) {
        Context.CancellableContext context = Context.current().withCancellation();
        boolean[] closed = {false};
        AdminGrpc.AdminStub stub = AdminGrpc.newStub(channels.to(address))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(AdminToken.headers(token)));
        context.run(() -> stub.watch(
                WatchRequest.newBuilder().setKeepaliveMillis(keepaliveMillis).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(StatusResponse value) {
                        onStatus.accept(ProtoMapper.fromProto(value));
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!closed[0]) {
                            onEnd.accept(
                                    t instanceof StatusRuntimeException e
                                            ? Errors.fromStatus(e, address)
                                            : ReplicaException.of(
                                                    ReplicaException.Reason.UNREACHABLE, String.valueOf(t)));
                        }
                    }

                    @Override
                    public void onCompleted() {
                        if (!closed[0]) {
                            onEnd.accept(ReplicaException.of(
                                    ReplicaException.Reason.UNREACHABLE, address + " ended the watch (shutting down)"));
                        }
                    }
                }));
        return () -> {
            closed[0] = true;
            context.cancel(null);
        };
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
