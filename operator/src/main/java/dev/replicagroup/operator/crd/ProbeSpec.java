package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Readiness probe timing: a primary is seen as failed after about periodSeconds × failureThreshold. */
public class ProbeSpec {

    @Min(1)
    @Max(60)
    @Default("1")
    @JsonPropertyDescription("Seconds between readiness probes.")
    private int periodSeconds = 1;

    @Min(1)
    @Max(30)
    @Default("3")
    @JsonPropertyDescription("Consecutive failed probes before the pod is NotReady.")
    private int failureThreshold = 3;

    public int getPeriodSeconds() {
        return periodSeconds;
    }

    public void setPeriodSeconds(int periodSeconds) {
        this.periodSeconds = periodSeconds;
    }

    public int getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(int failureThreshold) {
        this.failureThreshold = failureThreshold;
    }
}
