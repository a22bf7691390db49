package dev.replicagroup.replica.core;

import java.time.Duration;

/**
 * Exponential back-off: the base delay while the peer answers, doubled for each consecutive failure, capped.
 * A helper refreshes its lookup list at the base rate while the primary is live and backs off as it fails.
 */
public record Backoff(Duration base, Duration max) {

    public Duration delay(int consecutiveFailures) {
        int shift = Math.min(Math.max(consecutiveFailures, 0), 30);
        long millis = base.toMillis() << shift;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
