package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.status.ReplicaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A primary whose disk fails: it acknowledges nothing it could not persist, and recovers when the disk does. */
class StorageFailureTest {
    final FailingStorage storage = new FailingStorage();
    final ReplicaNode node = new ReplicaNode(
                    ReplicaState.newPrimary("p:1", 0), message -> {}, NodeConfig.defaults(), storage, 1_000)
            .start();

    @AfterEach
    void stop() {
        node.close();
    }

    CompletableFuture<WriteResult> put(long seq, String value) {
        return node.write(new WriteId("client", seq), new Operation.Put("k", value.getBytes(StandardCharsets.UTF_8)));
    }

    static ReplicaException failure(CompletableFuture<?> call) throws InterruptedException {
        try {
            call.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (ReplicaException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void writesFailWithTheCauseWhileTheDiskIsFullAndSucceedOnceItIsNot() throws Exception {
        WriteResult first = put(1, "before").get(5, TimeUnit.SECONDS);

        storage.failWith(new IOException("No space left on device"));
        ReplicaException refused = failure(put(2, "while full"));
        assertEquals(ReplicaException.Reason.NOT_SERVING, refused.reason());
        assertTrue(
                refused.getMessage().contains("cannot persist its state in /data: No space left on device"),
                refused.getMessage());
        ReplicaException read = failure(node.read(List.of("k")));
        assertTrue(read.getMessage().contains("No space left on device"), "reads too: " + read.getMessage());
        assertTrue(node.view().problem().contains("No space left on device"), "the status says why");
        assertTrue(
                storage.durableLog().stream().allMatch(e -> e.seq() <= first.seq()),
                "nothing after the last acknowledged write reached the disk: " + storage.durableLog());

        storage.heal();
        // The next tick persists what waited; from then on writes go through again.
        await().atMost(Duration.ofSeconds(5)).until(() -> node.view().problem().isEmpty());
        WriteResult after = put(3, "after").get(5, TimeUnit.SECONDS);
        assertTrue(
                storage.durableLog().stream().anyMatch(e -> e.seq() == after.seq()),
                "an acknowledged write is durable: " + storage.durableLog());
        assertEquals(
                "after",
                new String(node.read(List.of("k")).get().values().get(0).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void aWriteIsAnsweredOnlyAfterItsEntryIsDurable() throws Exception {
        for (long seq = 1; seq <= 50; seq++) {
            WriteResult result = put(seq, "v" + seq).get(5, TimeUnit.SECONDS);
            assertTrue(
                    storage.durableLog().stream().anyMatch(e -> e.seq() == result.seq()),
                    "acknowledged seq " + result.seq() + " is in the durable log");
        }
    }
}
