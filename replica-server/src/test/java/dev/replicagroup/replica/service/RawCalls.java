package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.AdminToken;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Unary calls with the request as raw bytes: what a broken or hostile client can put on the wire. */
final class RawCalls {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawCalls() {}

    /** The status {@code fullMethod} (e.g. replicagroup.v1.Clone/Put) answers {@code request} with; OK on success. */
    static Status call(Channel channel, String fullMethod, byte[] request, String token) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethod)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        Channel target = token == null
                ? channel
                : ClientInterceptors.intercept(
                        channel, MetadataUtils.newAttachHeadersInterceptor(AdminToken.headers(token)));
        try {
            ClientCalls.blockingUnaryCall(
                    target, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
