package dev.replicagroup.operator.tls;

import dev.replicagroup.operator.crd.IssuerRef;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.TlsStatus;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.replica.tls.CertificateAuthority;
import dev.replicagroup.replica.tls.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The certificates of groups with spec.tls: issues and renews the operator's own (decided by
 * {@link CertificatePolicy}), checks a user's Secret, and gives the CA the operator trusts when it calls replicas.
 *
 * <p>The operator's Secrets are in its informer cache ({@link Caches}); a user's Secret is not (the informer sees
 * only what the operator labels), so it is read with a get, at most every {@link #USER_SECRET_TTL} per Secret: a
 * reconcile runs every second while a group is busy, and a standby observes every group every second.
 */
@ApplicationScoped
public class GroupCertificates {
    static final Duration USER_SECRET_TTL = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final Caches caches;
    private final EventRecorder events;
    private final Clock clock;
    private final CertificatePolicy policy;
    private final CertManagerCertificates certManager;
    private final Map<String, Read> userSecrets = new ConcurrentHashMap<>();
    /** The problem last reported per group uid, so that a pass every second does not repeat its event. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    private record Read(Instant at, Optional<Secret> secret) {}

    public GroupCertificates(KubernetesClient client, Caches caches, EventRecorder events, Clock clock) {
        this.client = client;
        this.caches = caches;
        this.events = events;
        this.clock = clock;
        this.policy = new CertificatePolicy(clock);
        this.certManager = new CertManagerCertificates(client, clock);
    }

    /**
     * With spec.tls, makes sure the Secret the pods mount holds a valid certificate (issuing or renewing the
     * operator's own), and sets status.tls; clears it without.
     *
     * @return why pods with TLS cannot be started now (the user's Secret is missing or lacks a key), if so
     */
    public Optional<String> ensure(ReplicaGroup group) {
        if (!GroupTls.enabled(group.getSpec())) {
            group.getStatus().setTls(null);
            reported.remove(group.getMetadata().getUid());
            return Optional.empty();
        }
        if (GroupTls.operatorIssued(group.getSpec())) {
            issue(group);
        }
        Optional<IssuerRef> issuer = GroupTls.issuer(group.getSpec());
        if (issuer.isEmpty()) {
            certManager.forget(group);
        }
        Optional<String> problem =
                issuer.flatMap(i -> certManager.ensure(group, i)).or(() -> problem(group));
        String secretName = GroupTls.secretName(group);
        group.getStatus()
                .setTls(new TlsStatus(
                        secretName,
                        problem.isPresent()
                                ? null
                                : notAfter(read(group.getMetadata().getNamespace(), secretName))
                                        .map(Instant::toString)
                                        .orElse(null)));
        String uid = group.getMetadata().getUid();
        if (problem.isPresent() && !problem.get().equals(reported.get(uid))) {
            events.record(group, Reason.TlsSecretInvalid, problem.get());
        }
        problem.ifPresentOrElse(p -> reported.put(uid, p), () -> reported.remove(uid));
        return problem;
    }

    /** Why the TLS Secret the group's pods mount cannot be used now: it is missing, or lacks a key they read. */
    public Optional<String> problem(ReplicaGroup group) {
        if (!GroupTls.enabled(group.getSpec())) {
            return Optional.empty();
        }
        String name = GroupTls.secretName(group);
        String ns = group.getMetadata().getNamespace();
        Optional<Secret> secret = read(ns, name);
        String fix = GroupTls.userSecret(group.getSpec()).isPresent()
                ? " (spec.tls.secretName); create it with tls.crt, tls.key (PKCS#8) and ca.crt, or remove"
                        + " spec.tls.secretName for a certificate from the operator"
                : GroupTls.issuer(group.getSpec()).isPresent()
                        ? ": waiting for cert-manager to issue Certificate "
                                + Names.certificate(group.getMetadata().getName()) + " into it (kubectl describe"
                                + " certificate "
                                + Names.certificate(group.getMetadata().getName())
                                + "; its issuer must write ca.crt)"
                        : "";
        if (secret.isEmpty()) {
            return Optional.of("TLS Secret " + ns + "/" + name + " does not exist" + fix);
        }
        for (String key : GroupTls.POD_KEYS) {
            if (TlsSecrets.value(secret, key).filter(v -> !v.isBlank()).isEmpty()) {
                return Optional.of("TLS Secret " + ns + "/" + name + " has no key " + key + fix);
            }
        }
        return Optional.empty();
    }

    /**
     * The CA certificates to trust on calls to pods that mount these TLS Secrets (usually one; two while a
     * rolling update moves pods from one to another), as one PEM bundle; empty when none can be read.
     */
    public Optional<String> trust(String namespace, Collection<String> secretNames) {
        String bundle = secretNames.stream()
                .sorted()
                .distinct()
                .map(name -> TlsSecrets.value(read(namespace, name), GroupTls.CA_CRT))
                .flatMap(Optional::stream)
                .collect(Collectors.joining());
        return bundle.isBlank() ? Optional.empty() : Optional.of(bundle);
    }

    /** The operator's own CA and certificate: made, renewed or kept as the policy decides. */
    private void issue(ReplicaGroup group) {
        String ns = group.getMetadata().getNamespace();
        String name = group.getMetadata().getName();
        Instant now = clock.instant();
        Optional<Secret> caSecret = caches.secret(ns, Names.caSecret(name));
        Optional<String> caProblem = policy.caProblem(
                TlsSecrets.value(caSecret, GroupTls.CA_CRT), TlsSecrets.value(caSecret, GroupTls.CA_KEY));
        CertificateAuthority ca;
        if (caProblem.isPresent()) {
            ca = CertificateAuthority.create(name + "." + ns + " ReplicaGroup CA", CertificatePolicy.CA_VALIDITY, now);
            write(caSecret, TlsSecrets.ca(group, ca));
        } else {
            ca = CertificateAuthority.load(
                    TlsSecrets.value(caSecret, GroupTls.CA_CRT).orElseThrow(),
                    TlsSecrets.value(caSecret, GroupTls.CA_KEY).orElseThrow());
        }
        Optional<Secret> current = caches.secret(ns, Names.tlsSecret(name));
        List<String> dnsNames = GroupTls.dnsNames(group);
        CertificatePolicy.Decision decision = policy.decide(
                ca.certificatePem(),
                new CertificatePolicy.Held(
                        TlsSecrets.value(current, GroupTls.TLS_CRT),
                        TlsSecrets.value(current, GroupTls.TLS_KEY),
                        TlsSecrets.value(current, GroupTls.CA_CRT),
                        TlsSecrets.changedAt(current)),
                dnsNames);
        String secret = Names.tlsSecret(name);
        String because = caProblem.map(p -> " with a new CA (" + p + ")").orElse("");
        if (decision instanceof CertificatePolicy.Decision.Trust trust) {
            write(
                    current,
                    TlsSecrets.certificate(
                            group,
                            TlsSecrets.value(current, GroupTls.TLS_CRT).orElseThrow(),
                            TlsSecrets.value(current, GroupTls.TLS_KEY).orElseThrow(),
                            trust.caBundle(),
                            now));
            events.record(
                    group,
                    Reason.CertificateRenewed,
                    "changed the CAs trusted in Secret " + secret + because + ": " + trust.why());
        } else if (decision instanceof CertificatePolicy.Decision.Renew renew) {
            CertificateAuthority.Issued issued = signInto(current, group, ca, dnsNames, renew.caBundle(), now);
            events.record(
                    group,
                    Reason.CertificateRenewed,
                    "renewed the certificate in Secret " + secret + " in place" + because + ": " + renew.why()
                            + "; valid until " + issued.notAfter() + ", the replicas load it without a restart");
        } else if (decision instanceof CertificatePolicy.Decision.Issue first) {
            CertificateAuthority.Issued issued = signInto(current, group, ca, dnsNames, first.caBundle(), now);
            events.record(
                    group,
                    Reason.CertificateIssued,
                    "issued the certificate in Secret " + secret + because + ": " + first.why() + "; valid until "
                            + issued.notAfter() + " for " + dnsNames.get(0));
        }
    }

    /** A new certificate from {@code ca}, written into the certificate Secret with {@code caBundle}. */
    private CertificateAuthority.Issued signInto(
            Optional<Secret> current,
            ReplicaGroup group,
            CertificateAuthority ca,
            List<String> dnsNames,
            String caBundle,
            Instant now) {
        CertificateAuthority.Issued issued = ca.issue(dnsNames, CertificatePolicy.LEAF_VALIDITY, now);
        write(current, TlsSecrets.certificate(group, issued, caBundle, now));
        return issued;
    }

    /** Creates the Secret, or replaces the one there in place (same name: the pods' volumes follow it). */
    private void write(Optional<Secret> current, Secret desired) {
        if (current.isEmpty()) {
            caches.created(client.resource(desired).create());
            return;
        }
        desired.getMetadata().setResourceVersion(current.get().getMetadata().getResourceVersion());
        caches.updated(client.resource(desired).update(), current.get());
    }

    /** A Secret from the cache (the operator's own), else read from the API at most every TTL (a user's). */
    private Optional<Secret> read(String namespace, String name) {
        Optional<Secret> cached = caches.secret(namespace, name);
        if (cached.isPresent()) {
            return cached;
        }
        Instant now = clock.instant();
        Read read = userSecrets.compute(
                namespace + "/" + name,
                (k, old) -> old != null && old.at().plus(USER_SECRET_TTL).isAfter(now)
                        ? old
                        : new Read(
                                now,
                                Optional.ofNullable(client.secrets()
                                        .inNamespace(namespace)
                                        .withName(name)
                                        .get())));
        return read.secret();
    }

    private static Optional<Instant> notAfter(Optional<Secret> secret) {
        try {
            return TlsSecrets.value(secret, GroupTls.TLS_CRT)
                    .map(pem -> Pem.certificate(pem).getNotAfter().toInstant());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
