package dev.replicagroup.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD checked in under crds/ (and the Helm chart's copy) must be the one generated from the Java classes
 * at build time (target/kubernetes). Runs after packaging (failsafe), when the generated file exists.
 * To update: cp operator/target/kubernetes/replicagroups.replicagroup.dev-v1.yml crds/ helm/replicagroup-operator/crds/
 */
class CrdInSyncIT {
    private static final String FILE = "replicagroups.replicagroup.dev-v1.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(Path path) throws IOException {
        return YAML.readTree(Files.readString(path));
    }

    @Test
    void checkedInCrdsEqualTheGeneratedOne() throws IOException {
        JsonNode generated = read(Path.of("target", "kubernetes", FILE));
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (Path copy : new Path[] {
            root.resolve("crds").resolve(FILE),
            root.resolve("helm/replicagroup-operator/crds").resolve(FILE)
        }) {
            assertEquals(
                    generated,
                    read(copy),
                    copy + " differs from the CRD generated from the Java classes;" + " copy target/kubernetes/" + FILE
                            + " over it");
        }
    }
}
