package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.IssuerRef;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What spec.tls means for a group: whether it is on, which Secret the pods read, the names its certificate holds. */
public final class GroupTls {
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    /** Every key the pods read from the TLS Secret, in the order a missing one is reported. */
    public static final List<String> POD_KEYS = List.of(TLS_CRT, TLS_KEY, CA_CRT);

    private GroupTls() {}

    public static boolean enabled(ReplicaGroupSpec spec) {
        return spec.getTls() != null && spec.getTls().isEnabled();
    }

    /** The Secret the user provides (spec.tls.secretName), if any. */
    public static Optional<String> userSecret(ReplicaGroupSpec spec) {
        return Optional.ofNullable(spec.getTls()).map(t -> t.getSecretName()).filter(n -> !n.isBlank());
    }

    /** The cert-manager issuer the operator asks for the certificate (spec.tls.issuerRef), if any. */
    public static Optional<IssuerRef> issuer(ReplicaGroupSpec spec) {
        return Optional.ofNullable(spec.getTls()).map(t -> t.getIssuerRef());
    }

    /** Whether the operator's own CA issues the certificate: TLS on, and neither a user's Secret nor an issuer. */
    public static boolean operatorIssued(ReplicaGroupSpec spec) {
        return enabled(spec) && userSecret(spec).isEmpty() && issuer(spec).isEmpty();
    }

    /** The Secret the pods mount: the user's, else cert-manager's, else the one the operator issues. */
    public static String secretName(ReplicaGroup group) {
        String name = group.getMetadata().getName();
        return userSecret(group.getSpec())
                .orElse(issuer(group.getSpec()).isPresent() ? Names.certManagerSecret(name) : Names.tlsSecret(name));
    }

    /**
     * The name every member's certificate holds and the replicas check on each other's Peer streams
     * ({@code --tls-peer-name}); the operator checks it too, as it dials replicas by pod IP.
     */
    public static String peerName(ReplicaGroup group) {
        return Names.peersService(group.getMetadata().getName()) + "."
                + group.getMetadata().getNamespace() + ".svc";
    }

    /**
     * The DNS names of the operator-issued certificate, the peer name first (it is also the common name): the
     * peers Service and its pods, then each form of the primary's and the read Service's names a client may dial.
     */
    public static List<String> dnsNames(ReplicaGroup group) {
        String name = group.getMetadata().getName();
        String ns = group.getMetadata().getNamespace();
        List<String> names = new ArrayList<>(List.of(peerName(group), "*." + peerName(group)));
        for (String service : List.of(Names.primaryService(name), Names.readService(name))) {
            names.addAll(List.of(
                    service,
                    service + "." + ns,
                    service + "." + ns + ".svc",
                    service + "." + ns + ".svc.cluster.local"));
        }
        return List.copyOf(names);
    }
}
