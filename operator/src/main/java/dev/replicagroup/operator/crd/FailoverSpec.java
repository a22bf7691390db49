package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** When the operator replaces a failed primary on its own. */
public class FailoverSpec {

    @Default("true")
    @JsonPropertyDescription("Promote a helper when the primary fails. When false, a failed primary is only reported.")
    private boolean enabled = true;

    @Min(0)
    @Max(3600)
    @Default("5")
    @JsonPropertyDescription("How long the primary pod may be NotReady before failover starts (a deleted pod starts it at once).")
    private int delaySeconds = 5;

    @Min(0)
    @Max(86400)
    @Default("30")
    @JsonPropertyDescription("Minimum time after a failover before a NotReady primary starts another one (stops flapping).")
    private int cooldownSeconds = 30;

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
}
