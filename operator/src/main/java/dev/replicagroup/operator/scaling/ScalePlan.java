package dev.replicagroup.operator.scaling;

import dev.replicagroup.operator.observed.PodView;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Which pod to add or remove when the number of live pods differs from spec.replicas. */
public final class ScalePlan {
    private ScalePlan() {}

    /** The lowest ordinal no pod uses (a terminating pod still holds its name). */
    public static int nextOrdinal(List<PodView> pods) {
        Set<Integer> used = pods.stream().map(PodView::ordinal).collect(Collectors.toSet());
        int ordinal = 0;
        while (used.contains(ordinal)) {
            ordinal++;
        }
        return ordinal;
    }

    /**
     * The helper to remove on scale-down: never the primary; a NotReady helper first, then the least live
     * (lowest liveness in the primary's table), then the newest (highest ordinal).
     */
    public static Optional<PodView> toRemove(List<PodView> live, String primary, Map<String, Integer> liveness) {
        return live.stream()
                .filter(p -> !p.name().equals(primary))
                .min(Comparator.comparing(PodView::ready)
                        .thenComparingInt(p -> liveness.getOrDefault(p.name(), 0))
                        .thenComparing(Comparator.comparingInt(PodView::ordinal).reversed()));
    }
}
