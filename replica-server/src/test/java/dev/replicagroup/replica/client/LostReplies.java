package dev.replicagroup.replica.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets requests through and loses their replies: the caller sees UNAVAILABLE, as when the connection breaks
 * after the server answered. Keeps what it lost, so the test knows what the server said.
 */
final class LostReplies implements ClientInterceptor {
    private final List<Object> replies = new CopyOnWriteArrayList<>();

    List<Object> replies() {
        return replies;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(
                        new SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onMessage(R message) {
                                replies.add(message);
                            }

                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                super.onClose(
                                        status.isOk()
                                                ? Status.UNAVAILABLE.withDescription("the reply was lost")
                                                : status,
                                        trailers);
                            }
                        },
                        headers);
            }
        };
    }
}
