package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.AdminToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a call through only with the group's token ({@code authorization: Bearer TOKEN}, see {@link AdminToken}).
 * One token guards both the Admin and the Peer service (docs/security.md says why); a replica without one refuses
 * every Admin call and lets peers in unauthenticated (it says so at start).
 */
final class TokenInterceptor implements ServerInterceptor {
    private final byte[] expected;
    private final String calls;
    /** The answer when this replica has no token; null lets the call through. */
    private final Status withoutToken;

    private TokenInterceptor(String token, String calls, Status withoutToken) {
        this.expected = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
        this.calls = calls;
        this.withoutToken = withoutToken;
    }

    static TokenInterceptor admin(String token) {
        return new TokenInterceptor(
                token,
                "admin calls",
                Status.PERMISSION_DENIED.withDescription(
                        "the admin API is disabled on this replica: start it with --admin-token or"
                                + " REPLICA_ADMIN_TOKEN"));
    }

    static TokenInterceptor peer(String token) {
        return new TokenInterceptor(token, "peer calls (replica to replica)", null);
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
            return withoutToken;
        }
        if (header == null || !header.startsWith(AdminToken.SCHEME)) {
            return Status.UNAUTHENTICATED.withDescription(calls + " need the group's token"
                    + " (metadata \"authorization: Bearer TOKEN\"): pass --admin-token or set REPLICA_ADMIN_TOKEN;"
                    + " in Kubernetes it is the Secret <group>-admin-token");
        }
        byte[] given = header.substring(AdminToken.SCHEME.length()).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            return Status.UNAUTHENTICATED.withDescription("wrong admin token: " + calls
                    + " need this group's token (--admin-token, REPLICA_ADMIN_TOKEN, the Secret <group>-admin-token)");
        }
        return null;
    }
}
