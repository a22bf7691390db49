package dev.replicagroup.replica.grpc;

import io.grpc.Metadata;

/** How the admin token travels: an {@code authorization: Bearer <token>} header. */
public final class AdminToken {
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final String SCHEME = "Bearer ";

    private AdminToken() {}

    public static Metadata headers(String token) {
        Metadata headers = new Metadata();
        headers.put(HEADER, SCHEME + token);
        return headers;
    }
}
