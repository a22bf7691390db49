package dev.replicagroup.operator.replicas;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.tls.GroupCertificates;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One {@link GroupAdmin} per group (each group has its own admin token, and with spec.tls its own CA); its clients
 * keep a channel per replica. Which replicas speak TLS, and which CA they are checked against, comes from the pods
 * (the TLS Secret each mounts), not from the spec, which a rolling update reaches one pod at a time. A new token
 * or CA makes a new GroupAdmin, whose new channels the watch streams reopen on.
 */
@ApplicationScoped
public class ReplicaAdmins {
    private final Duration callTimeout;
    private final Caches caches;
    private final GroupCertificates certificates;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    private record Entry(String token, Optional<String> ca, GroupAdmin admin) {}

    public ReplicaAdmins(
            @ConfigProperty(name = "replicagroup.admin-call-timeout", defaultValue = "500ms") Duration callTimeout,
            Caches caches,
            GroupCertificates certificates) {
        this.callTimeout = callTimeout;
        this.caches = caches;
        this.certificates = certificates;
    }

    public GroupAdmin forGroup(ReplicaGroup group, String token) {
        List<Pod> tlsPods = caches.pods(group).stream()
                .filter(p -> ReplicaPods.tlsSecret(p).isPresent())
                .toList();
        Optional<String> read = tlsPods.isEmpty()
                ? Optional.empty()
                : certificates.trust(
                        group.getMetadata().getNamespace(),
                        tlsPods.stream()
                                .map(p -> ReplicaPods.tlsSecret(p).orElseThrow())
                                .collect(Collectors.toSet()));
        String peerName = GroupTls.peerName(group);
        Entry entry = clients.compute(group.getMetadata().getUid(), (k, old) -> {
            // A Secret gone for a moment (deleted and made again, a user's being replaced) leaves the replicas
            // serving what they loaded: the CA trusted until then still checks them.
            Optional<String> ca = read.isEmpty() && !tlsPods.isEmpty() && old != null ? old.ca() : read;
            if (old != null && old.token().equals(token) && old.ca().equals(ca)) {
                return old;
            }
            if (old != null) {
                old.admin().close();
            }
            return new Entry(
                    token,
                    ca,
                    new GroupAdmin(
                            new AdminClient(token, callTimeout),
                            ca.map(pem -> new AdminClient(token, callTimeout, ChannelSecurity.trusting(pem, peerName)))
                                    .orElse(null)));
        });
        Set<String> tlsAddresses = tlsPods.stream()
                .map(ReplicaPods::address)
                .flatMap(Optional::stream)
                .collect(Collectors.toSet());
        entry.admin().speaksTls(tlsAddresses);
        return entry.admin();
    }

    @PreDestroy
    public void closeAll() {
        clients.values().forEach(e -> e.admin().close());
        clients.clear();
    }
}
