package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels on everything the operator creates; the Services select pods by group and role. */
public final class Labels {
    public static final String GROUP = "replicagroup.dev/group";
    public static final String ROLE = "replicagroup.dev/role";
    public static final String PRIMARY = "primary";
    public static final String HELPER = "helper";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "replicagroup-operator";
    /** Planned switchover: {@code kubectl annotate rg demo replicagroup.dev/promote=demo-2}. */
    public static final String PROMOTE_ANNOTATION = "replicagroup.dev/promote";
    /** The revision of the pod template a pod was built from ({@link ReplicaPods#revision}). */
    public static final String REVISION = "replicagroup.dev/revision";
    /** Holds a rolling update: {@code kubectl annotate rg demo replicagroup.dev/update-paused=true}. */
    public static final String UPDATE_PAUSED_ANNOTATION = "replicagroup.dev/update-paused";

    private Labels() {}

    /** The labels every owned object carries. */
    public static Map<String, String> common(ReplicaGroup group, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "replicagroup");
        labels.put("app.kubernetes.io/instance", group.getMetadata().getName());
        labels.put("app.kubernetes.io/component", component);
        labels.put(MANAGED_BY, OPERATOR);
        labels.put("app.kubernetes.io/part-of", "replicagroup");
        labels.put(GROUP, group.getMetadata().getName());
        return labels;
    }

    /** Selects every replica pod of the group. */
    public static Map<String, String> groupSelector(ReplicaGroup group) {
        return Map.of(GROUP, group.getMetadata().getName());
    }

    /** Selects the group's pods in one role. */
    public static Map<String, String> roleSelector(ReplicaGroup group, String role) {
        return Map.of(GROUP, group.getMetadata().getName(), ROLE, role);
    }

    /** The selector string of the scale subresource and status. */
    public static String selectorString(ReplicaGroup group) {
        return GROUP + "=" + group.getMetadata().getName();
    }
}
