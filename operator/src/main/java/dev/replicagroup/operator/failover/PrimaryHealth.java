package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.reconcile.PodView;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Is the primary gone? Decided from its pod alone, the way the kubelet reports it. */
public final class PrimaryHealth {

    public sealed interface Verdict {
    }

    /** The primary serves. */
    public record Healthy() implements Verdict {
    }

    /** Not serving, but not (yet) a reason to fail over: starting up, inside the delay, or in the cooldown. */
    public record Waiting(String why) implements Verdict {
    }

    /** The primary is gone; a failover should start. */
    public record Gone(String reason) implements Verdict {
    }

    private PrimaryHealth() {
    }

    /**
     * @param pod          the primary's pod, empty when it no longer exists
     * @param hasServed    whether this primary was ever seen Ready (a new pod that is still starting is not failed)
     * @param lastFailover when the last failover finished, for the cooldown
     */
    public static Verdict assess(String name, Optional<PodView> pod, boolean hasServed, FailoverSpec spec,
            Instant now, Optional<Instant> lastFailover) {
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
        if (primary.ready()) {
            return new Healthy();
        }
        if (!hasServed) {
            return new Waiting("primary pod " + name + " is starting");
        }
        Duration notReady = primary.readySince().map(since -> Duration.between(since, now)).orElse(Duration.ZERO);
        // Waiting messages go into status conditions: they name the time, not a count that changes every pass.
        String since = primary.readySince().map(t -> " since " + t).orElse("");
        if (notReady.compareTo(Duration.ofSeconds(spec.getDelaySeconds())) < 0) {
            return new Waiting("primary pod " + name + " NotReady" + since + ", failover after "
                    + spec.getDelaySeconds() + "s");
        }
        Optional<Instant> coolUntil = lastFailover.map(t -> t.plusSeconds(spec.getCooldownSeconds()));
        if (coolUntil.filter(now::isBefore).isPresent()) {
            return new Waiting("primary pod " + name + " NotReady" + since + ", but the last failover was less than "
                    + spec.getCooldownSeconds() + "s ago");
        }
        return new Gone("primary pod " + name + " NotReady for " + notReady.toSeconds() + "s");
    }
}
