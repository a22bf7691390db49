package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Reads from helpers (the {@code <group>-read} Service): the largest staleness a read may ask for. The bound
 * itself is per read (GetRequest.max_staleness_millis), as only the caller knows what it can accept; the group
 * caps it, so that nothing read from this group is older than its owner allows.
 */
public class ReadsSpec {

    @Min(0)
    @Max(600000)
    @Default("5000")
    @JsonPropertyDescription("The largest staleness a bounded read may ask for (ms): a helper answers a read that"
            + " allows up to that much only while its state holds every write acknowledged longer ago; a read asking"
            + " for more is refused (INVALID_ARGUMENT). 0: only the primary answers reads (linearizable).")
    private int maxStalenessMillis = 5000;

    public int getMaxStalenessMillis() {
        return maxStalenessMillis;
    }

    public void setMaxStalenessMillis(int maxStalenessMillis) {
        this.maxStalenessMillis = maxStalenessMillis;
    }
}
