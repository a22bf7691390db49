package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped example ReplicaGroups parse into the Java model and pass the operator's own spec checks. */
class ExamplesTest {

    @Test
    void everyExampleIsAValidReplicaGroup() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "k8s", "examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(examples.size() >= 2, "the README example and the production-like one");
        for (Path example : examples) {
            ReplicaGroup group = Serialization.unmarshal(Files.readString(example), ReplicaGroup.class);
            assertEquals("ReplicaGroup", group.getKind(), example.toString());
            assertEquals(Optional.empty(), SpecCheck.problem(group.getSpec()), example.toString());
        }
    }
}
