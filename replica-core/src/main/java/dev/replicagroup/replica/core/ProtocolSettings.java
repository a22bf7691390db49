package dev.replicagroup.replica.core;

/**
 * The protocol's timing, in ticks (the driver turns its clock into ticks), and its batching.
 *
 * <p>Safety rests on one inequality: {@code leaseTicks + clockDriftTicks < detectionTicks}. A primary serves
 * only while {@code max(syncAcks, 1)} helpers acked, within the lease, a heartbeat it sent; a helper reports its
 * primary lost only after hearing nothing for the detection timeout. So by the time a quorum of helpers reports
 * the primary lost, its lease has run out, even if its clock runs slower than theirs by the drift allowance.
 *
 * @param heartbeatTicks  how often a primary sends each helper a heartbeat
 * @param leaseTicks      how long an acked heartbeat keeps the primary's lease
 * @param detectionTicks  how long a helper hears nothing before it reports its primary lost
 * @param clockDriftTicks how far the replicas' clocks may drift apart over a lease
 * @param maxBatch        entries per update message
 * @param maxInflight     update messages to one helper not yet answered
 */
public record ProtocolSettings(
        int heartbeatTicks, int leaseTicks, int detectionTicks, int clockDriftTicks, int maxBatch, int maxInflight) {

    public ProtocolSettings {
        if (heartbeatTicks < 1 || maxBatch < 1 || maxInflight < 1) {
            throw new IllegalArgumentException("heartbeat, batch and in-flight limits must be at least 1");
        }
        if (2 * heartbeatTicks > leaseTicks) {
            throw new IllegalArgumentException("the lease (" + leaseTicks + " ticks) must be at least two heartbeats ("
                    + heartbeatTicks + " ticks each), or one lost heartbeat drops it");
        }
        if (leaseTicks + clockDriftTicks >= detectionTicks) {
            throw new IllegalArgumentException("lease + clock drift (" + leaseTicks + " + " + clockDriftTicks
                    + " ticks) must be below the detection timeout (" + detectionTicks + " ticks): otherwise helpers"
                    + " could report the primary lost while it still serves reads");
        }
    }
}
