package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.AdminGrpc;
import dev.replicagroup.replica.grpc.v1.FenceRequest;
import dev.replicagroup.replica.grpc.v1.FollowRequest;
import dev.replicagroup.replica.grpc.v1.PauseWritesRequest;
import dev.replicagroup.replica.grpc.v1.PromoteRequest;
import dev.replicagroup.replica.grpc.v1.StatusRequest;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.grpc.v1.WatchRequest;
import dev.replicagroup.replica.replication.ReplicaNode;
import io.grpc.stub.StreamObserver;

/** The operator's service (behind {@link TokenInterceptor}). */
final class AdminService extends AdminGrpc.AdminImplBase {
    private final ReplicaNode node;
    private final Replies replies;
    private final StatusWatch watch;

    AdminService(ReplicaNode node, RequestMetrics metrics, StatusWatch watch) {
        this.node = node;
        this.replies = new Replies(metrics);
        this.watch = watch;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        replies.reply("status", node.status(), ProtoMapper::toProto, out);
    }

    @Override
    public void promote(PromoteRequest request, StreamObserver<StatusResponse> out) {
        replies.reply(
                "promote", node.promote(request.getTerm(), request.getHoldoffMillis()), ProtoMapper::toProto, out);
    }

    @Override
    public void follow(FollowRequest request, StreamObserver<StatusResponse> out) {
        replies.reply("follow", node.follow(request.getPrimary(), request.getTerm()), ProtoMapper::toProto, out);
    }

    @Override
    public void fence(FenceRequest request, StreamObserver<StatusResponse> out) {
        replies.reply("fence", node.fence(request.getTerm()), ProtoMapper::toProto, out);
    }

    @Override
    public void pauseWrites(PauseWritesRequest request, StreamObserver<StatusResponse> out) {
        replies.reply(
                "pause-writes", node.pauseWrites(request.getTerm(), request.getMillis()), ProtoMapper::toProto, out);
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<StatusResponse> out) {
        watch.watch(request.getKeepaliveMillis(), out);
    }
}
