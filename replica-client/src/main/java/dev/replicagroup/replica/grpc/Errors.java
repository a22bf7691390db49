package dev.replicagroup.replica.grpc;

import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;

/**
 * Maps {@link ReplicaException} to a gRPC status with a readable message, and carries its reason, term and
 * primary in trailers so that a client can follow a redirect; and maps it back on the client side.
 */
public final class Errors {
    static final Metadata.Key<String> REASON = Metadata.Key.of("replica-reason", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TERM = Metadata.Key.of("replica-term", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PRIMARY = Metadata.Key.of("replica-primary", Metadata.ASCII_STRING_MARSHALLER);

    private Errors() {}

    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (!(cause instanceof ReplicaException e)) {
            return Status.INTERNAL
                    .withDescription("internal error: " + cause)
                    .withCause(cause)
                    .asRuntimeException();
        }
        Status status = switch (e.reason()) {
            case NOT_PRIMARY, STALE_TERM, REFUSED -> Status.FAILED_PRECONDITION;
            case NOT_ACKNOWLEDGED, LOST_PRIMACY, NOT_SERVING, UNREACHABLE -> Status.UNAVAILABLE;
            case INVALID -> Status.INVALID_ARGUMENT;
        };
        Metadata trailers = new Metadata();
        trailers.put(REASON, e.reason().name());
        trailers.put(TERM, Long.toString(e.term()));
        trailers.put(PRIMARY, e.primary());
        return status.withDescription(e.getMessage()).asRuntimeException(trailers);
    }

    public static ReplicaException fromStatus(Throwable failure, String address) {
        Status status = Status.fromThrowable(failure);
        Metadata trailers = Status.trailersFromThrowable(failure);
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        if (trailers != null && trailers.get(REASON) != null) {
            return new ReplicaException(
                    Reason.valueOf(trailers.get(REASON)),
                    description,
                    parseLong(trailers.get(TERM)),
                    trailers.get(PRIMARY));
        }
        Reason reason = switch (status.getCode()) {
            case INVALID_ARGUMENT -> Reason.INVALID;
            case UNAUTHENTICATED, PERMISSION_DENIED, FAILED_PRECONDITION, UNIMPLEMENTED -> Reason.REFUSED;
            default -> Reason.UNREACHABLE;
        };
        String message = reason == Reason.UNREACHABLE
                ? "cannot reach " + address + ": " + status.getCode()
                        + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")")
                : description;
        return ReplicaException.of(reason, message);
    }

    /** Unwraps the exception a future failed with. */
    public static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
