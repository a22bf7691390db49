package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
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
}
