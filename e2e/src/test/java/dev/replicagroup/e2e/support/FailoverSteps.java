package dev.replicagroup.e2e.support;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * How long each step of one failover took, from the operator's own timestamps in {@code status.lastFailover}
 * (detectedAt, promotedAt, repointedAt, completedAt; RFC 3339) and the moment the suite injected the fault. The
 * operator pods and the suite share the node's clock. A step without a timestamp is -1.
 */
public record FailoverSteps(long detectMs, long promoteMs, long repointMs, long completeMs) {
    static final FailoverSteps UNKNOWN = new FailoverSteps(-1, -1, -1, -1);

    /** The steps of the last failover if it is the one away from {@code from}; UNKNOWN otherwise. */
    public static FailoverSteps of(Group group, Instant fault, String from) {
        Object status = group.resource().getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s)
                || !(s.get("lastFailover") instanceof Map<?, ?> last)
                || !from.equals(last.get("from"))) {
            return UNKNOWN;
        }
        Instant detected = instant(last.get("detectedAt"));
        Instant promoted = instant(last.get("promotedAt"));
        Instant repointed = instant(last.get("repointedAt"));
        Instant completed = instant(last.get("completedAt"));
        return new FailoverSteps(
                between(fault, detected),
                between(detected, promoted),
                between(promoted, repointed),
                between(repointed, completed));
    }

    private static Instant instant(Object value) {
        try {
            return value instanceof String text ? Instant.parse(text) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long between(Instant from, Instant to) {
        return from == null || to == null ? -1 : Duration.between(from, to).toMillis();
    }

    /**
     * The key=value fields bench/k8s-failover.sh reads from failover-times.txt; clients-ms is the Service's repoint
     * to the first write acknowledged after the fault ({@code faultToFirstWrite}): the new primary's hold-off and
     * first commit, and the clients' move.
     */
    String fields(Duration faultToFirstWrite) {
        // Below 0 when the clients found the new primary before the Service moved (they follow the Active List).
        String clientsMs = detectMs < 0 || promoteMs < 0 || repointMs < 0
                ? "-"
                : Long.toString(faultToFirstWrite.toMillis() - detectMs - promoteMs - repointMs);
        return String.format(
                "detect-ms=%d promote-ms=%d repoint-ms=%d complete-ms=%d clients-ms=%s",
                detectMs, promoteMs, repointMs, completeMs, clientsMs);
    }
}
