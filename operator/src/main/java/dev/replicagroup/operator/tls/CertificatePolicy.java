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

    /**
     * How long after a Secret's ca.crt or certificate changed every member is taken to have loaded it: the kubelet's
     * sync of a pod's Secret volume (a minute plus jitter and its cache; TlsIT measured 110 s) and the replicas' 10 s
     * re-read, with room to spare. A CA rollover waits this long twice: new CA trusted, then certificate from it.
     */
    public static final Duration SPREAD = Duration.ofMinutes(5);

    /** What to do with the certificate, and why; {@code caBundle} is the ca.crt to write with it. */
    public sealed interface Decision {
        /** There is no certificate yet (no Secret, or no tls.crt in it). */
        record Issue(String why, String caBundle) implements Decision {}

        /** The certificate there is must be replaced, in place. */
        record Renew(String why, String caBundle) implements Decision {}

        /**
         * The ca.crt changes, the certificate stays: a new CA is trusted (next to the old) before any member
         * presents a certificate from it, or an old CA no member presents any more is dropped.
         */
        record Trust(String why, String caBundle) implements Decision {}

        record Keep(Instant notAfter) implements Decision {}
    }

    /**
     * What the certificate Secret holds now; empty where it has no such key (or there is no Secret).
     *
     * @param certificate tls.crt
     * @param key         tls.key
     * @param ca          ca.crt, the CAs the replicas trust (during a rollover, the new one first, then the old)
     * @param changedAt   when the operator last wrote the Secret (its annotation); empty for one written before
     */
    public record Held(
            Optional<String> certificate, Optional<String> key, Optional<String> ca, Optional<Instant> changedAt) {
        public Held(Optional<String> certificate, Optional<String> key, Optional<String> ca) {
            this(certificate, key, ca, Optional.empty());
        }
    }

    /**
     * A new CA never breaks a running group: members check each other against the ca.crt they loaded, and they
     * load a Secret at different times. So the new CA is first added to ca.crt with the certificate unchanged;
     * {@link #SPREAD} later the certificate is issued from it; {@link #SPREAD} after that the old CA is dropped.
     *
     * @param caPem    the group's CA certificate now (PEM)
     * @param held     what the certificate Secret holds
     * @param dnsNames the names the certificate must hold ({@link dev.replicagroup.operator.resources.GroupTls#dnsNames})
     */
    public Decision decide(String caPem, Held held, List<String> dnsNames) {
        Instant now = clock.instant();
        if (held.certificate().isEmpty() || held.certificate().get().isBlank()) {
            return new Decision.Issue("there is no certificate yet", caPem);
        }
        X509Certificate ca = Pem.certificate(caPem);
        List<X509Certificate> inBundle = certificates(held.ca());
        List<X509Certificate> trusted = inBundle.stream()
                .filter(c -> c.getNotAfter().toInstant().isAfter(now))
                .toList();
        Optional<X509Certificate> leaf = parse(held.certificate().get());
        boolean usable = leaf.isPresent()
                && held.key().filter(k -> !k.isBlank()).isPresent()
                && leaf.get().getNotAfter().toInstant().isAfter(now);
        if (!trusted.contains(ca)) {
            if (usable && trusted.stream().anyMatch(old -> signedBy(leaf.get(), old))) {
                return new Decision.Trust(
                        "a new CA (" + ca.getSubjectX500Principal() + ") is trusted next to the old one; the"
                                + " certificate is issued from it once every member has loaded it",
                        bundle(ca, trusted));
            }
            return new Decision.Renew(
                    held.key().filter(k -> !k.isBlank()).isEmpty()
                            ? "its Secret has no tls.key"
                            : "its Secret's ca.crt does not hold the current CA",
                    caPem);
        }
        boolean settled =
                held.changedAt().map(t -> !now.isBefore(t.plus(SPREAD))).orElse(true);
        String keptBundle = bundle(ca, trusted);
        if (held.key().isEmpty() || held.key().get().isBlank()) {
            return new Decision.Renew("its Secret has no tls.key", keptBundle);
        }
        if (leaf.isEmpty()) {
            return new Decision.Renew("tls.crt holds no certificate", keptBundle);
        }
        if (!signedBy(leaf.get(), ca)) {
            if (usable && !settled) {
                return new Decision.Keep(leaf.get().getNotAfter().toInstant());
            }
            return new Decision.Renew(
                    "it was not signed by the current CA (" + ca.getSubjectX500Principal() + ")", keptBundle);
        }
        List<String> names = dnsNames(leaf.get());
        if (!names.equals(dnsNames)) {
            return new Decision.Renew("its DNS names " + names + " are not " + dnsNames, keptBundle);
        }
        Instant notAfter = leaf.get().getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(RENEW_BEFORE))) {
            return new Decision.Renew(
                    "it expires at " + notAfter + ", in less than " + RENEW_BEFORE.toDays() + " days", keptBundle);
        }
        if (!inBundle.equals(List.of(ca)) && settled) {
            return new Decision.Trust(
                    "every member presents a certificate of the current CA: ca.crt holds only that CA now", caPem);
        }
        return new Decision.Keep(notAfter);
    }

    /** The CAs of ca.crt; none when it cannot be read (then only a new one will do). */
    private static List<X509Certificate> certificates(Optional<String> caBundle) {
        try {
            return Pem.certificates(caBundle.orElse(""));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static Optional<X509Certificate> parse(String pem) {
        try {
            return Optional.of(Pem.certificate(pem));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The current CA first, then the others still trusted. */
    private static String bundle(X509Certificate ca, List<X509Certificate> trusted) {
        StringBuilder pem = new StringBuilder(Pem.of(ca));
        trusted.stream().filter(c -> !c.equals(ca)).forEach(c -> pem.append(Pem.of(c)));
        return pem.toString();
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
