package dev.replicagroup.operator.resources;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replica container's resources: the group's {@code spec.resources}, with a CPU and a memory request where it
 * names neither a request nor a limit for them (as a LimitRange's defaults would).
 *
 * <p>Why a default: a container without a CPU request gets the kernel's smallest share (BestEffort, or Burstable
 * with memory only). Whenever anything with a request is busy on the node (another pod, a JVM starting, the
 * operator restarting), such a replica does not run for a second or more: a primary misses its heartbeats and is
 * failed over, a helper misses its primary. The soak saw exactly that when the operator's pod restarted beside the
 * group. Without a memory request the replica is also the first pod the kubelet evicts under memory pressure.
 */
public final class ReplicaResources {
    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    /** Small enough that the local cluster's 2 cores hold a few groups; enough weight not to be starved. */
    public static final Quantity DEFAULT_CPU = new Quantity("50m");
    /** About what an idle replica's JVM resides in. */
    public static final Quantity DEFAULT_MEMORY = new Quantity("128Mi");

    private ReplicaResources() {}

    public static ResourceRequirements of(ResourceRequirements given) {
        ResourceRequirements base = given != null ? given : new ResourceRequirements();
        Map<String, Quantity> limits = base.getLimits() != null ? base.getLimits() : Map.of();
        Map<String, Quantity> requests =
                new LinkedHashMap<>(base.getRequests() != null ? base.getRequests() : Map.of());
        // A limit alone already makes the API server default the request to it.
        if (!requests.containsKey(CPU) && !limits.containsKey(CPU)) {
            requests.put(CPU, DEFAULT_CPU);
        }
        if (!requests.containsKey(MEMORY) && !limits.containsKey(MEMORY)) {
            requests.put(MEMORY, DEFAULT_MEMORY);
        }
        return new ResourceRequirementsBuilder(base).withRequests(requests).build();
    }
}
