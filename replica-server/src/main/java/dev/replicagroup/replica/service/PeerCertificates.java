package dev.replicagroup.replica.service;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Mutual TLS between members: a peer's stream is let through only when its connection presented a certificate
 * that the group's CA signed (the TLS handshake checked the chain) and that holds the group's peer name. With a
 * CA shared by more than one group (a cert-manager ClusterIssuer), the name is what tells this group's members
 * from the others.
 */
final class PeerCertificates implements ServerInterceptor {
    /** A dNSName entry of subjectAltName (RFC 5280). */
    private static final int DNS_NAME = 2;

    private final String peerName;

    PeerCertificates(String peerName) {
        this.peerName = peerName;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Status refusal = check(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    private Status check(SSLSession session) {
        if (session == null) {
            return Status.UNAUTHENTICATED.withDescription("peer calls need TLS on this replica");
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Status.UNAUTHENTICATED.withDescription("peer calls need the group's member certificate (a TLS"
                    + " client certificate from the group's CA); this connection presented none");
        }
        List<String> names = dnsNames((X509Certificate) chain[0]);
        if (!names.contains(peerName)) {
            return Status.UNAUTHENTICATED.withDescription("peer calls need a certificate for " + peerName
                    + "; this one is for " + names + " (a member of another group?)");
        }
        return null;
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> all = certificate.getSubjectAlternativeNames();
            if (all == null) {
                return List.of();
            }
            return all.stream()
                    .filter(entry -> Objects.equals(entry.get(0), DNS_NAME))
                    .map(entry -> (String) entry.get(1))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
