package dev.replicagroup.e2e.support;

import java.time.Duration;

/**
 * How long the clients waited: the longest stretch after the fault with no write acknowledged, and the time
 * from the fault to the write that ended it. The end of the longest gap, not simply the first write after the
 * fault, because a deleted pod keeps serving until the kubelet stops it: writes completing in that moment
 * are the old primary's, not the recovery.
 */
public record Recovery(Duration faultToFirstWrite, Duration outage, boolean recovered) {

    /** @param completions absolute completion times of acknowledged writes, sorted */
    static Recovery measure(long fault, long[] completions) {
        long previous = fault;
        long longestGap = -1;
        long gapEnd = -1;
        for (long t : completions) {
            if (t < fault) {
                continue;
            }
            if (t - previous > longestGap) {
                longestGap = t - previous;
                gapEnd = t;
            }
            previous = t;
        }
        if (gapEnd < 0) {
            return new Recovery(Duration.ZERO, Duration.ZERO, false);
        }
        return new Recovery(Duration.ofNanos(gapEnd - fault), Duration.ofNanos(longestGap), true);
    }
}
