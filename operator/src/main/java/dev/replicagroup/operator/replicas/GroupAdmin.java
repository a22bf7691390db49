package dev.replicagroup.operator.replicas;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ReplicaAdmin;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The admin calls to one group's replicas, each over TLS or in plaintext as the replica at that address speaks:
 * during a rolling update that turns spec.tls on or off, the group has pods of both kinds. The operator has no
 * client certificate; Admin calls are not Peer calls, so checking the server's is enough (the token says who calls).
 */
public final class GroupAdmin implements ReplicaAdmin, AutoCloseable {
    private final AdminClient plaintext;
    /** Trusting the group's CA; null when no pod of the group speaks TLS. */
    private final AdminClient tls;

    private volatile Set<String> tlsAddresses = Set.of();

    GroupAdmin(AdminClient plaintext, AdminClient tls) {
        this.plaintext = plaintext;
        this.tls = tls;
    }

    /** The addresses of the replicas that speak TLS (pods built with spec.tls), as their pods say now. */
    void speaksTls(Set<String> addresses) {
        tlsAddresses = Set.copyOf(addresses);
    }

    private AdminClient to(String address) {
        return tls != null && tlsAddresses.contains(address) ? tls : plaintext;
    }

    @Override
    public NodeStatus status(String address) throws ReplicaException {
        return to(address).status(address);
    }

    @Override
    public NodeStatus promote(String address, long term, long holdoffMillis) throws ReplicaException {
        return to(address).promote(address, term, holdoffMillis);
    }

    @Override
    public NodeStatus follow(String address, String primary, long term) throws ReplicaException {
        return to(address).follow(address, primary, term);
    }

    @Override
    public NodeStatus fence(String address, long term) throws ReplicaException {
        return to(address).fence(address, term);
    }

    @Override
    public NodeStatus pauseWrites(String address, long term, int millis) throws ReplicaException {
        return to(address).pauseWrites(address, term, millis);
    }

    /** {@link AdminClient#watch}, over the channel the replica at {@code address} speaks. */
    public AutoCloseable watch(
            String address, int keepaliveMillis, Consumer<NodeStatus> onStatus, Consumer<ReplicaException> onEnd) {
        return to(address).watch(address, keepaliveMillis, onStatus, onEnd);
    }

    @Override
    public void close() {
        plaintext.close();
        if (tls != null) {
            tls.close();
        }
    }
}
