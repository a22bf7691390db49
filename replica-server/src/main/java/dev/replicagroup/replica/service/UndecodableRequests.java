package dev.replicagroup.replica.service;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request that does not decode (not protobuf, or a string field that is not UTF-8) with INVALID_ARGUMENT
 * naming the message type. grpc-java itself answers UNKNOWN "Application error processing RPC": a parse failure
 * thrown from the marshaller is taken for a bug of the service.
 */
final class UndecodableRequests {
    private UndecodableRequests() {}

    /** A request that did not decode, passed to the handler in place of the request. */
    private record Undecodable(String why) {}

    static ServerServiceDefinition answeredIn(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        service.getMethods().forEach(m -> methods.add(wrap(m)));
        ServiceDescriptor original = service.getServiceDescriptor();
        // Same name and schema (reflection describes it as before), the methods with their new marshallers.
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(wrapped::addMethod);
        return wrapped.build();
    }

    private static <Q, R> ServerMethodDefinition<Object, R> wrap(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> decode = descriptor.getRequestMarshaller();
        MethodDescriptor.Marshaller<Object> tolerant = new MethodDescriptor.Marshaller<>() {
            @Override
            @SuppressWarnings("unchecked") // only requests of this method reach this marshaller
            public InputStream stream(Object value) {
                return decode.stream((Q) value);
            }

            @Override
            public Object parse(InputStream stream) {
                try {
                    return decode.parse(stream);
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    return new Undecodable(cause.getMessage());
                }
            }
        };
        MethodDescriptor<Object, R> tolerantDescriptor = descriptor.toBuilder(
                        tolerant, descriptor.getResponseMarshaller())
                .build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        String type = requestType(decode);
        return ServerMethodDefinition.create(
                tolerantDescriptor, (call, headers) -> start(handler, call, headers, type));
    }

    @SuppressWarnings("unchecked") // the handler sees only what parse returned that is not Undecodable: a Q
    private static <Q, R> ServerCall.Listener<Object> start(
            ServerCallHandler<Q, R> handler, ServerCall<Object, R> call, Metadata headers, String type) {
        ServerCall.Listener<Q> listener = handler.startCall((ServerCall<Q, R>) (ServerCall<?, R>) call, headers);
        return new ServerCall.Listener<>() {
            private boolean closed;

            @Override
            public void onMessage(Object message) {
                if (closed) {
                    return;
                }
                if (message instanceof Undecodable u) {
                    closed = true;
                    call.close(
                            Status.INVALID_ARGUMENT.withDescription(
                                    "the request is not a valid " + type + ": " + u.why()
                                            + "; send it as the service's proto (replica-api/src/main/proto) defines it"),
                            new Metadata());
                    return;
                }
                listener.onMessage((Q) message);
            }

            @Override
            public void onHalfClose() {
                if (!closed) {
                    listener.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                listener.onCancel();
            }

            @Override
            public void onComplete() {
                listener.onComplete();
            }

            @Override
            public void onReady() {
                if (!closed) {
                    listener.onReady();
                }
            }
        };
    }

    private static String requestType(MethodDescriptor.Marshaller<?> marshaller) {
        if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                && proto.getMessagePrototype() instanceof com.google.protobuf.Message message) {
            return message.getDescriptorForType().getFullName();
        }
        return "request";
    }
}
