package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ServingMonitor's bookkeeping, on the suite's nanoTime clock and without I/O: from each pod's polled Status
 * samples and the changes its Watch stream pushed, the stretches it may have served as primary, and where two
 * pods' stretches overlap.
 *
 * <p>A polled sample, taken at an unknown moment within its call, that says serving opens a stretch at the end of
 * the call and lets it run until the start of the call plus the lease it had left; consecutive serving samples in
 * one term are taken to cover the time between them. A failed sample does not end it: cut off from the suite, the
 * pod may serve others until its lease runs out. An answer that it no longer serves in that term (fenced,
 * deposed, retiring: each ends the lease at once) ends it by the end of its call at the latest, and so does a
 * pushed change saying so, by the time it arrived. The push matters for a pod that stops serving and exits within
 * one polling round: a deleted primary retires at SIGTERM, is fenced and closes, and every later poll fails; without
 * the push its unused lease overlapped the new primary (soak seed 1796320984789, 88 ms). A poll that started
 * before such a push may carry the state from before it, so it opens nothing.
 */
final class ServingStretches {

    /** What one Status said, as far as serving goes; {@code null} where the call failed. */
    record Sample(Role role, long term, boolean serving, long leaseNanos) {
        static Sample of(NodeStatus status) {
            if (status == null) {
                return null;
            }
            boolean timed = status.timing().leaseMillis() > 0;
            return new Sample(
                    status.role(),
                    status.term(),
                    status.role() == Role.PRIMARY && (!timed || status.timing().serving()),
                    timed ? TimeUnit.MILLISECONDS.toNanos(status.timing().leaseRemainingMillis()) : 0);
        }
    }

    /** One stretch a pod may have served as primary in one term. */
    record Run(String pod, long term, long from, long until) {}

    private final Map<String, Run> open = new HashMap<>();
    private final Map<String, Long> endedAt = new HashMap<>();
    private final List<Run> done = new ArrayList<>();

    /** A polled Status of {@code pod}: the call started at {@code start}, returned or failed at {@code end}. */
    synchronized void polled(String pod, Sample sample, long start, long end) {
        Run run = open.get(pod);
        if (run != null && sample != null && (!sample.serving() || run.term() != sample.term())) {
            end(pod, end);
            run = null;
        }
        if (sample == null || !sample.serving() || start < endedAt.getOrDefault(pod, Long.MIN_VALUE)) {
            return;
        }
        long until = Math.max(start + sample.leaseNanos(), run == null ? end : start);
        open.put(
                pod,
                run == null
                        ? new Run(pod, sample.term(), end, until)
                        : new Run(pod, run.term(), run.from(), Math.max(run.until(), until)));
    }

    /** A change {@code pod}'s Watch stream pushed, received at {@code at}: only an end of serving counts. */
    synchronized void pushed(String pod, Sample sample, long at) {
        Run run = open.get(pod);
        if (!sample.serving()) {
            endedAt.merge(pod, at, Math::max);
        }
        if (run != null && (!sample.serving() || run.term() != sample.term())) {
            end(pod, at);
        }
    }

    private void end(String pod, long by) {
        Run run = open.remove(pod);
        Run ended = new Run(pod, run.term(), run.from(), Math.min(run.until(), by));
        if (ended.until() > ended.from()) {
            done.add(ended);
        }
    }

    /** Every pair of stretches of two different pods that overlap, with the length of the overlap. */
    synchronized List<String> overlaps() {
        List<Run> all = new ArrayList<>(done);
        open.values().stream().filter(r -> r.until() > r.from()).forEach(all::add);
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Run a = all.get(i);
                Run b = all.get(j);
                long overlap = Math.min(a.until(), b.until()) - Math.max(a.from(), b.from());
                if (!a.pod().equals(b.pod()) && overlap > 0) {
                    overlaps.add(a.pod() + " (term " + a.term() + ") and " + b.pod() + " (term " + b.term()
                            + ") both served as primary for " + overlap / 1_000_000 + " ms");
                }
            }
        }
        return overlaps;
    }

    /** How many stretches were seen: a monitor that never saw one checked nothing. */
    synchronized int count() {
        return done.size() + open.size();
    }
}
