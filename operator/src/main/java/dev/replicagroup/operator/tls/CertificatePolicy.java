package dev.replicagroup.operator.tls;

import dev.replicagroup.replica.tls.Pem;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the operator-issued certificate of a group is to be issued, renewed or kept, and why: from what its
 * Secrets hold now. Pure (the time from the clock); the reconciler observes the Secrets and acts on the answer.
 */
public final class CertificatePolicy {
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(90);
    /** A third of the leaf's life: a renewal that fails (an API outage) has weeks to be retried. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The X.509 SubjectAltName type of a DNS name. */
    private static final int DNS_NAME = 2;

    private final Clock clock;

    public CertificatePolicy(Clock clock) {
        this.clock = clock;
    }

    /** What to do with the certificate, and why. */
    public sealed interface Decision {
        /** There is no certificate yet (no Secret, or no tls.crt in it). */
        record Issue(String why) implements Decision {}

        /** The certificate there is must be replaced, in place. */
        record Renew(String why) implements Decision {}

        record Keep(Instant notAfter) implements Decision {}
    }

    /**
     * What the certificate Secret holds now; empty where it has no such key (or there is no Secret).
     *
     * @param certificate tls.crt
     * @param key         tls.key
     * @param ca          ca.crt, the CA the replicas trust
     */
    public record Held(Optional<String> certificate, Optional<String> key, Optional<String> ca) {}

    /**
     * @param caPem    the group's CA certificate now (PEM)
     * @param held     what the certificate Secret holds
     * @param dnsNames the names the certificate must hold ({@link dev.replicagroup.operator.resources.GroupTls#dnsNames})
     */
    public Decision decide(String caPem, Held held, List<String> dnsNames) {
        if (held.certificate().isEmpty() || held.certificate().get().isBlank()) {
            return new Decision.Issue("there is no certificate yet");
        }
        if (held.key().isEmpty() || held.key().get().isBlank()) {
            return new Decision.Renew("its Secret has no tls.key");
        }
        if (!held.ca().map(caPem::equals).orElse(false)) {
            return new Decision.Renew("its Secret's ca.crt is not the current CA");
        }
        X509Certificate leaf;
        try {
            leaf = Pem.certificate(held.certificate().get());
        } catch (IllegalArgumentException e) {
            return new Decision.Renew("tls.crt holds no certificate (" + e.getMessage() + ")");
        }
        X509Certificate ca = Pem.certificate(caPem);
        if (!signedBy(leaf, ca)) {
            return new Decision.Renew("it was not signed by the current CA (" + ca.getSubjectX500Principal() + ")");
        }
        List<String> names = dnsNames(leaf);
        if (!names.equals(dnsNames)) {
            return new Decision.Renew("its DNS names " + names + " are not " + dnsNames);
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant now = clock.instant();
        if (notAfter.isBefore(now.plus(RENEW_BEFORE))) {
            return new Decision.Renew(
                    "it expires at " + notAfter + ", in less than " + RENEW_BEFORE.toDays() + " days");
        }
        return new Decision.Keep(notAfter);
    }

    /**
     * Why the group's CA is to be made anew, if it is: there is none, it cannot be read, or it expires before a
     * certificate it signs now would (a leaf never outlives its CA, and one that expires within the renewal window
     * would be renewed on every pass).
     */
    public Optional<String> caProblem(Optional<String> certificatePem, Optional<String> keyPem) {
        if (certificatePem.isEmpty() || keyPem.isEmpty()) {
            return Optional.of("there is no CA yet");
        }
        X509Certificate ca;
        try {
            ca = Pem.certificate(certificatePem.get());
            Pem.privateKey(keyPem.get());
        } catch (IllegalArgumentException e) {
            return Optional.of("the CA Secret holds no usable certificate and key (" + e.getMessage() + ")");
        }
        Instant notAfter = ca.getNotAfter().toInstant();
        if (notAfter.isBefore(clock.instant().plus(LEAF_VALIDITY))) {
            return Optional.of("the CA expires at " + notAfter + ", before a certificate issued now would");
        }
        return Optional.empty();
    }

    private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
        if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        try {
            Collection<List<?>> names = Objects.requireNonNullElse(leaf.getSubjectAlternativeNames(), List.of());
            return names.stream()
                    .filter(n -> Integer.valueOf(DNS_NAME).equals(n.get(0)))
                    .map(n -> (String) n.get(1))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
