package dev.replicagroup.replica.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The discovery half of {@link ReplicaClient}: the servers it knows (the bootstrap list and the latest Active
 * List) and where the group points (the Active List of the highest term any of them reported, and its primary).
 * Read by the retries from the callers' threads and refreshed by the client's background thread too.
 */
final class GroupView {
    /** GetServers is cheap: a server that does not answer it within this is not one to send requests to now. */
    private static final long DISCOVERY_TIMEOUT_MS = 500;

    private final List<String> bootstrap;
    private final ClientOptions options;
    private final Channels channels;
    private volatile ActiveList activeList = new ActiveList(0, "", List.of());
    private volatile String primary = "";

    GroupView(List<String> bootstrap, ClientOptions options, Channels channels) {
        this.bootstrap = List.copyOf(bootstrap);
        this.options = options;
        this.channels = channels;
    }

    List<String> bootstrap() {
        return bootstrap;
    }

    ActiveList activeList() {
        return activeList;
    }

    String primary() {
        return primary;
    }

    /** A server redirected the client to {@code primary}. */
    void primary(String primary) {
        this.primary = primary;
    }

    List<String> known() {
        Set<String> all = new LinkedHashSet<>(bootstrap);
        activeList.servers().stream().map(ServerEntry::address).forEach(all::add);
        return new ArrayList<>(all);
    }

    /**
     * Asks every known server for its Active List at once and believes the one of the highest term (a deposed
     * primary may still think it leads). It waits for every answer, up to a short deadline, unless one is news
     * ({@link #news}) worth acting on now rather than after a dead or frozen server's deadline. True if any
     * answered.
     */
    boolean discover() {
        return discover(address -> false);
    }

    /** As {@link #discover()}, without asking the servers {@code skip} names (those that just failed). */
    boolean discover(Predicate<String> skip) {
        long timeout = Math.min(DISCOVERY_TIMEOUT_MS, options.attemptTimeout().toMillis());
        ActiveList known = activeList;
        List<String> asked = known().stream().filter(skip.negate()).toList();
        BlockingQueue<Optional<ActiveList>> answers = new LinkedBlockingQueue<>();
        for (String address : asked) {
            ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer = CloneGrpc.newFutureStub(
                            channels.to(address))
                    .withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
                    .getServers(GetServersRequest.getDefaultInstance());
            answer.addListener(() -> answers.add(listOf(answer)), MoreExecutors.directExecutor());
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        ActiveList best = null;
        for (int pending = asked.size(); pending > 0; pending--) {
            Optional<ActiveList> list;
            try {
                // The deadline of every call bounds this wait too; the margin covers the callbacks' delivery.
                list = answers.poll(
                        until - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (list == null) {
                break;
            }
            if (list.isPresent()
                    && (best == null
                            || list.get().term() > best.term()
                            || (list.get().term() == best.term()
                                    && best.primary().isEmpty()))) {
                best = list.get();
            }
            if (best != null && news(known, best)) {
                break;
            }
        }
        if (best == null) {
            return false;
        }
        activeList = best;
        if (!best.primary().isEmpty()) {
            primary = best.primary();
        }
        return true;
    }

    /**
     * A list that names a primary the known one does not: of a newer term (only a failover makes one), or of the
     * same term where the known list named none. The second is a failover whose term the client learnt from
     * fenced helpers before the new primary was promoted in it (an operator that took over a half-done failover
     * promotes in the term it fenced in); waiting for a dead old primary's deadline then cost the clients ~1 s.
     */
    static boolean news(ActiveList known, ActiveList answer) {
        return !answer.primary().isEmpty()
                && (answer.term() > known.term()
                        || (answer.term() == known.term() && known.primary().isEmpty()));
    }

    private static Optional<ActiveList> listOf(ListenableFuture<dev.replicagroup.replica.grpc.v1.ActiveList> answer) {
        try {
            return Optional.of(ProtoMapper.fromProto(Futures.getDone(answer)));
        } catch (ExecutionException | RuntimeException e) {
            // Not reachable now (or past the deadline); the others may be.
            return Optional.empty();
        }
    }
}
