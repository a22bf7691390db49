package dev.replicagroup.replica.client;

import java.time.Duration;

/**
 * @param deadline        how long one operation keeps retrying across failovers before it fails
 * @param attemptTimeout  how long one attempt against one server may take (above the server's write timeout)
 * @param refreshInterval how often the Active List is refreshed in the background
 */
public record ClientOptions(Duration deadline, Duration attemptTimeout, Duration refreshInterval) {
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(7), Duration.ofSeconds(5));
    }

    public ClientOptions withDeadline(Duration newDeadline) {
        return new ClientOptions(newDeadline, attemptTimeout, refreshInterval);
    }
}
