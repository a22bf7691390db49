package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.AdminToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Lets an Admin call through only with the configured token; an unset token disables the Admin API. */
final class AdminTokenInterceptor implements ServerInterceptor {
    private final byte[] expected;

    AdminTokenInterceptor(String token) {
        this.expected = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Status refusal = check(headers.get(AdminToken.HEADER));
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    private Status check(String header) {
        if (expected.length == 0) {
            return Status.PERMISSION_DENIED.withDescription(
                    "the admin API is disabled on this replica: start it with --admin-token or REPLICA_ADMIN_TOKEN");
        }
        if (header == null || !header.startsWith(AdminToken.SCHEME)) {
            return Status.UNAUTHENTICATED.withDescription(
                    "admin calls need a token: pass --admin-token" + " or set REPLICA_ADMIN_TOKEN");
        }
        byte[] given = header.substring(AdminToken.SCHEME.length()).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            return Status.UNAUTHENTICATED.withDescription("wrong admin token");
        }
        return null;
    }
}
