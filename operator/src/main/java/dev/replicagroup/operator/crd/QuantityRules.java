package dev.replicagroup.operator.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder;
import java.util.List;

/**
 * A CEL rule on each value of spec.resources.limits and .requests: the schema types them int-or-string, which the
 * API server does not check for a custom resource, so a typo ("1Gb", "lots") would otherwise only fail when the
 * operator creates the pods. The generator cannot annotate a map's values, hence a post-processor. The maps get
 * a maxProperties: without one the API server estimates the rules' cost as unbounded and refuses the CRD.
 */
public final class QuantityRules {
    /**
     * More than the resource names a container takes (cpu, memory, ephemeral-storage, two hugepages sizes); the
     * API server's cost estimate refuses 16 (1.34: just over its per-rule budget).
     */
    static final long MAX_RESOURCES = 8;

    static final String RULE = "isQuantity(string(self))";
    static final String MESSAGE = "must be a quantity, such as 500m or 2 for cpu and 256Mi or 1Gi for memory";

    private QuantityRules() {}

    static void apply(CustomResourceDefinitionVersion version) {
        addTo(version.getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .get("resources"));
    }

    static void addTo(JSONSchemaProps resources) {
        for (String map : List.of("limits", "requests")) {
            JSONSchemaProps quantities = resources.getProperties().get(map);
            quantities.setMaxProperties(MAX_RESOURCES);
            quantities
                    .getAdditionalProperties()
                    .getSchema()
                    .setXKubernetesValidations(List.of(new ValidationRuleBuilder()
                            .withRule(RULE)
                            .withMessage(MESSAGE)
                            .build()));
        }
    }
}
