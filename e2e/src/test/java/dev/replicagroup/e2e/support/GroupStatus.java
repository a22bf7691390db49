package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;

/** The fields of a ReplicaGroup's status the suite checks, read the way kubectl sees them (untyped JSON). */
public record GroupStatus(
        String phase, String currentPrimary, long term, int replicas, int readyReplicas, boolean failoverUnderWay) {

    @SuppressWarnings("unchecked")
    static GroupStatus of(GenericKubernetesResource resource) {
        Object raw =
                resource == null ? null : resource.getAdditionalProperties().get("status");
        if (!(raw instanceof Map<?, ?>)) {
            return new GroupStatus(null, null, 0, 0, 0, false);
        }
        Map<String, Object> status = (Map<String, Object>) raw;
        return new GroupStatus(
                (String) status.get("phase"),
                (String) status.get("currentPrimary"),
                number(status.get("term")),
                (int) number(status.get("replicas")),
                (int) number(status.get("readyReplicas")),
                status.get("failover") != null);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
