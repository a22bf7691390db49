package dev.replicagroup.operator.replicas;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.replica.client.AdminClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One AdminClient per group (each group has its own admin token); the client keeps a channel per replica.
 */
@ApplicationScoped
public class ReplicaAdmins {
    private final Duration callTimeout;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    private record Entry(String token, AdminClient client) {}

    public ReplicaAdmins(
            @ConfigProperty(name = "replicagroup.admin-call-timeout", defaultValue = "500ms") Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    public AdminClient forGroup(ReplicaGroup group, String token) {
        String uid = group.getMetadata().getUid();
        Entry entry = clients.compute(uid, (k, old) -> {
            if (old != null && old.token().equals(token)) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            return new Entry(token, new AdminClient(token, callTimeout));
        });
        return entry.client();
    }

    @PreDestroy
    public void closeAll() {
        clients.values().forEach(e -> e.client().close());
        clients.clear();
    }
}
