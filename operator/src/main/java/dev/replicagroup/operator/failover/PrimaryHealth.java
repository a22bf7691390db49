package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.failover.PromotionRule;
import dev.replicagroup.replica.status.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Is the primary gone? Decided from two signals: its pod as the kubelet reports it (missing, being deleted,
 * failed, NotReady past the delay), and its helpers: a quorum of them reporting that they lost it.
 */
public final class PrimaryHealth {

    public sealed interface Verdict {}

    /** The primary serves. */
    public record Healthy() implements Verdict {}

    /** Not serving, but not (yet) a reason to fail over: starting up, inside the delay, or in the cooldown. */
    public record Waiting(String why) implements Verdict {}

    /** The primary is gone; a failover should start. */
    public record Gone(String reason) implements Verdict {}

    private PrimaryHealth() {}

    /**
     * What the helpers report, for the quorum signal.
     *
     * @param term     the term in status: only reports about the primary of this term count
     * @param helpers  the wanted number of helpers (replicas - 1), not only those alive
     * @param reports  fresh statuses of the group's replicas (the primary's own is ignored)
     */
    public record HelperReports(long term, int helpers, int syncAcks, Collection<NodeStatus> reports) {}

    /**
     * @param pod          the primary's pod, empty when it no longer exists
     * @param hasServed    whether this primary was ever seen Ready (a new pod that is still starting is not failed)
     * @param lastFailover when the last failover finished, for the cooldown
     */
    public static Verdict assess(
            String name,
            Optional<PodView> pod,
            boolean hasServed,
            FailoverSpec spec,
            Instant now,
            Optional<Instant> lastFailover,
            HelperReports helpers) {
        if (pod.isEmpty()) {
            return new Gone("primary pod " + name + " no longer exists");
        }
        PodView primary = pod.get();
        if (primary.terminating()) {
            return new Gone("primary pod " + name + " is being deleted");
        }
        if (primary.failed()) {
            return new Gone("primary pod " + name + " has failed");
        }
        // No cooldown here: once a quorum lost the primary it has stopped serving by itself (its lease is shorter
        // than their detection), so waiting would only lengthen an outage. Flapping is held off by the helpers'
        // detection timeout instead: a pause shorter than it (the 300 ms pause test) never makes a helper report.
        Optional<String> lost = primary.address().flatMap(address -> lostByQuorum(name, address, helpers));
        if (lost.isPresent()) {
            return new Gone(lost.get());
        }
        if (primary.ready()) {
            return new Healthy();
        }
        if (!hasServed) {
            return new Waiting("primary pod " + name + " is starting");
        }
        Duration notReady =
                primary.readySince().map(since -> Duration.between(since, now)).orElse(Duration.ZERO);
        // Waiting messages go into status conditions: they name the time, not a count that changes every pass.
        String since = primary.readySince().map(t -> " since " + t).orElse("");
        if (notReady.compareTo(Duration.ofSeconds(spec.getDelaySeconds())) < 0) {
            return new Waiting(
                    "primary pod " + name + " NotReady" + since + ", failover after " + spec.getDelaySeconds() + "s");
        }
        Optional<Instant> coolUntil = lastFailover.map(t -> t.plusSeconds(spec.getCooldownSeconds()));
        if (coolUntil.filter(now::isBefore).isPresent()) {
            return new Waiting("primary pod " + name + " NotReady" + since + ", but the last failover was less than "
                    + spec.getCooldownSeconds() + "s ago");
        }
        return new Gone("primary pod " + name + " NotReady for " + notReady.toSeconds() + "s");
    }

    /**
     * Whether {@code max(1, min(H, H - syncAcks + 1))} helpers (the promotion quorum) report that they lost the
     * primary at {@code address} in the status term. With that many out of touch, at most {@code syncAcks - 1}
     * helpers are left to ack it, fewer than its lease needs ({@code max(syncAcks, 1)}), so it no longer serves.
     *
     * @return how many helpers lost it, as the failover's reason, if a quorum did
     */
    static Optional<String> lostByQuorum(String name, String address, HelperReports helpers) {
        long lost = helpers.reports().stream()
                .filter(s -> s.role() == Role.HELPER
                        && s.term() == helpers.term()
                        && s.timing().primaryLost()
                        && address.equals(s.timing().lastPrimary()))
                .count();
        int quorum = PromotionRule.quorum(helpers.helpers(), helpers.syncAcks());
        return helpers.helpers() > 0 && lost >= quorum
                ? Optional.of(lost + " of " + helpers.helpers() + " helpers have not heard from primary " + name
                        + " within their detection timeout (" + quorum + " needed)")
                : Optional.empty();
    }
}
