package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * When the operator replaces a failed primary on its own, and the replicas' timing of leases and failure
 * detection. The two CEL rules are the timing inequality (operator/README.md): an isolated primary must stop
 * serving (its lease, plus what clocks may drift apart) before its helpers report it lost, and a lease must
 * survive one lost heartbeat.
 */
@ValidationRule(
        value = "self.leaseMillis + self.clockDriftMillis < self.detectionMillis",
        message = "leaseMillis + clockDriftMillis must be less than detectionMillis: an isolated primary must stop"
                + " serving before its helpers report it lost")
@ValidationRule(
        value = "2 * self.heartbeatMillis <= self.leaseMillis",
        message = "leaseMillis must be at least 2 * heartbeatMillis: one lost heartbeat must not end the lease")
public class FailoverSpec {

    @Default("true")
    @JsonPropertyDescription("Promote a helper when the primary fails. When false, a failed primary is only reported.")
    private boolean enabled = true;

    @Min(0)
    @Max(3600)
    @Default("5")
    @JsonPropertyDescription(
            "How long the primary pod may be NotReady before failover starts (a deleted pod starts it at once).")
    private int delaySeconds = 5;

    @Min(0)
    @Max(86400)
    @Default("30")
    @JsonPropertyDescription(
            "Minimum time after a failover before a NotReady primary starts another one (stops flapping).")
    private int cooldownSeconds = 30;

    @Min(10)
    @Max(10000)
    @Default("100")
    @JsonPropertyDescription(
            "How often the primary sends a heartbeat to each helper when there is nothing to replicate (ms).")
    private int heartbeatMillis = 100;

    @Min(20)
    @Max(60000)
    @Default("500")
    @JsonPropertyDescription(
            "How long an ack from enough helpers lets the primary serve (ms); an isolated primary stops serving after it.")
    private int leaseMillis = 500;

    @Min(50)
    @Max(120000)
    @Default("800")
    @JsonPropertyDescription(
            "How long a helper may not hear from its primary before it reports the primary lost (ms); a quorum of such reports starts a failover.")
    private int detectionMillis = 800;

    @Min(0)
    @Max(10000)
    @Default("200")
    @JsonPropertyDescription("The allowance for replicas' clocks running at different rates over one lease (ms).")
    private int clockDriftMillis = 200;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getDelaySeconds() {
        return delaySeconds;
    }

    public void setDelaySeconds(int delaySeconds) {
        this.delaySeconds = delaySeconds;
    }

    public int getCooldownSeconds() {
        return cooldownSeconds;
    }

    public void setCooldownSeconds(int cooldownSeconds) {
        this.cooldownSeconds = cooldownSeconds;
    }

    public int getHeartbeatMillis() {
        return heartbeatMillis;
    }

    public void setHeartbeatMillis(int heartbeatMillis) {
        this.heartbeatMillis = heartbeatMillis;
    }

    public int getLeaseMillis() {
        return leaseMillis;
    }

    public void setLeaseMillis(int leaseMillis) {
        this.leaseMillis = leaseMillis;
    }

    public int getDetectionMillis() {
        return detectionMillis;
    }

    public void setDetectionMillis(int detectionMillis) {
        this.detectionMillis = detectionMillis;
    }

    public int getClockDriftMillis() {
        return clockDriftMillis;
    }

    public void setClockDriftMillis(int clockDriftMillis) {
        this.clockDriftMillis = clockDriftMillis;
    }
}
