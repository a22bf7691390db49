package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a group start a reconcile: a new spec (generation), changed annotations or labels (the
 * switchover request is an annotation, which does not move the generation), or a deletion. Status-only
 * updates, above all the operator's own writes, do not: the pass that wrote them already acted on them.
 */
public class GroupChanges implements OnUpdateFilter<ReplicaGroup> {
    @Override
    public boolean accept(ReplicaGroup updated, ReplicaGroup old) {
        var now = updated.getMetadata();
        var was = old.getMetadata();
        return !Objects.equals(now.getGeneration(), was.getGeneration())
                || !Objects.equals(now.getAnnotations(), was.getAnnotations())
                || !Objects.equals(now.getLabels(), was.getLabels())
                || now.getDeletionTimestamp() != null;
    }
}
