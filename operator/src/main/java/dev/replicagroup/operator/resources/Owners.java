package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references, so that deleting a ReplicaGroup garbage-collects everything it made. */
public final class Owners {
    private Owners() {}

    public static OwnerReference of(ReplicaGroup group) {
        return new OwnerReferenceBuilder()
                .withApiVersion(group.getApiVersion())
                .withKind(group.getKind())
                .withName(group.getMetadata().getName())
                .withUid(group.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** The metadata of an object the group owns: in its namespace, with the common labels and its owner. */
    public static ObjectMeta metadata(ReplicaGroup group, String name, String component) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(group.getMetadata().getNamespace())
                .withLabels(Labels.common(group, component))
                .withOwnerReferences(of(group))
                .build();
    }
}
