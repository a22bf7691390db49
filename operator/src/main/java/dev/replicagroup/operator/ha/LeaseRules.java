package dev.replicagroup.operator.ha;

import java.time.Duration;

/**
 * What the leader elector does next, from the Lease as last seen and this process's own clock: the same rules
 * as client-go's and fabric8's electors (a Lease not renewed for its duration, as timed by the observer's clock
 * from when it saw the last change, may be taken; a leader that could not renew within the renew deadline stops),
 * with two differences that cut the elector's API requests at rest from three a retry period to one a renew
 * period. The Lease is seen through a watch, not read before every write, and the leader renews with one
 * conditional write of the version it last wrote; a standby reads nothing and only looks at its watched copy.
 * Every write names the version it was decided on, so a stale copy costs a refused write, never two leaders.
 */
public final class LeaseRules {

    /** The next step. */
    public enum Step {
        /** Nothing to do now. */
        WAIT,
        /** Write the Lease with this process as holder: create it, take it, or renew it. */
        WRITE,
        /** This process led and must stop: another holds the Lease, or it could not renew in time. */
        STEP_DOWN
    }

    /**
     * The elector's timing.
     *
     * @param leaseDuration how long a Lease not renewed stays its holder's
     * @param renewDeadline how long the leader keeps leading without a successful renewal
     * @param renewPeriod   how often the leader renews
     * @param retryPeriod   how soon a failed or refused write is tried again
     */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration renewPeriod, Duration retryPeriod) {
        public Timing {
            if (!(renewPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
                throw new IllegalArgumentException("replicagroup.leader-election: renew-period (" + renewPeriod
                        + ") < renew-deadline (" + renewDeadline + ") < lease-duration (" + leaseDuration
                        + ") must hold, or two operators could both think they lead");
            }
            if (retryPeriod.isNegative() || retryPeriod.isZero() || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("replicagroup.leader-election: retry-period (" + retryPeriod
                        + ") must be positive and less than renew-deadline (" + renewDeadline
                        + "), or one failed renewal makes the leader stop");
            }
        }
    }

    /**
     * The Lease as this process last saw it (from the watch or its own write's answer).
     *
     * @param holder              its holder, empty when released
     * @param leaseDurationMillis the duration its holder wrote (a released Lease says 1 s), 0 if none
     * @param seenAtNanos         when this process first saw this version
     */
    public record Seen(String holder, long leaseDurationMillis, long seenAtNanos) {}

    /**
     * This process's side.
     *
     * @param leading           whether it leads
     * @param renewedAtNanos    when its last successful write started (leader only)
     * @param lastAttemptNanos  when its last write started, successful or not; {@code Long.MIN_VALUE} if none
     * @param writing           a write is in flight
     */
    public record Self(String identity, boolean leading, long renewedAtNanos, long lastAttemptNanos, boolean writing) {}

    private LeaseRules() {}

    /**
     * @param seen the Lease as last seen, null when there is none
     */
    public static Step next(Seen seen, Self self, Timing timing, long nowNanos) {
        if (self.leading()) {
            if (seen != null && !seen.holder().isEmpty() && !seen.holder().equals(self.identity())) {
                return Step.STEP_DOWN;
            }
            if (nowNanos - self.renewedAtNanos() >= timing.renewDeadline().toNanos()) {
                return Step.STEP_DOWN;
            }
            boolean due =
                    nowNanos - self.renewedAtNanos() >= timing.renewPeriod().toNanos();
            return due && mayTry(self, timing, nowNanos) ? Step.WRITE : Step.WAIT;
        }
        return takeable(seen, self.identity(), timing, nowNanos) && mayTry(self, timing, nowNanos)
                ? Step.WRITE
                : Step.WAIT;
    }

    /**
     * A Lease this process may take: none, released, its own (written by this pod before its container
     * restarted: the process that wrote it is gone), or not renewed for the duration its holder wrote.
     */
    static boolean takeable(Seen seen, String identity, Timing timing, long nowNanos) {
        if (seen == null || seen.holder().isEmpty() || seen.holder().equals(identity)) {
            return true;
        }
        long duration = seen.leaseDurationMillis() > 0
                ? Duration.ofMillis(seen.leaseDurationMillis()).toNanos()
                : timing.leaseDuration().toNanos();
        return nowNanos - seen.seenAtNanos() >= duration;
    }

    private static boolean mayTry(Self self, Timing timing, long nowNanos) {
        return !self.writing()
                && (self.lastAttemptNanos() == Long.MIN_VALUE
                        || nowNanos - self.lastAttemptNanos()
                                >= timing.retryPeriod().toNanos());
    }
}
