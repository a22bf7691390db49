package dev.replicagroup.replica.client;

import dev.replicagroup.replica.grpc.ChannelSecurity;
import java.time.Duration;

/**
 * @param deadline        how long one operation keeps retrying across failovers before it fails
 * @param attemptTimeout  how long one attempt against one server may take before the client retries (with the same
 *                        request id, so a write still waiting for acks is not applied twice); short, so that a
 *                        frozen primary does not hold a client long after a failover
 * @param refreshInterval how often the Active List is refreshed in the background
 * @param security        plaintext, or TLS trusting the group's CA
 */
public record ClientOptions(
        Duration deadline, Duration attemptTimeout, Duration refreshInterval, ChannelSecurity security) {
    /** Plaintext. */
    public ClientOptions(Duration deadline, Duration attemptTimeout, Duration refreshInterval) {
        this(deadline, attemptTimeout, refreshInterval, ChannelSecurity.plaintext());
    }

    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    public ClientOptions withDeadline(Duration newDeadline) {
        return new ClientOptions(newDeadline, attemptTimeout, refreshInterval, security);
    }

    public ClientOptions withSecurity(ChannelSecurity newSecurity) {
        return new ClientOptions(deadline, attemptTimeout, refreshInterval, newSecurity);
    }
}
