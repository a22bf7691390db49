package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A PersistentVolumeClaim per member, mounted at /data, so a member (and a whole group) survives its pods
 * (docs/storage.md). Volumes can grow, never shrink, and their class is fixed once made: the rules say so at
 * admission, before the operator would have to refuse the change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0",
        message = "storage.size cannot be decreased: a volume cannot shrink; set it back to at least the old size")
@ValidationRule(
        value = "has(self.storageClassName) == has(oldSelf.storageClassName)"
                + " && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)",
        message = "storage.storageClassName cannot be changed: the members' volumes already exist in their class")
public class StorageSpec {

    @Required
    // Bounded so the API server can bound the cost of the CEL rules that parse it.
    @Size(max = 32)
    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
    @JsonPropertyDescription("The size of each member's volume (a quantity, e.g. 1Gi); it may be increased later"
            + " when the StorageClass allows volume expansion.")
    private String size;

    @Size(max = 253)
    @JsonPropertyDescription("The StorageClass of the volumes; the cluster's default class when empty.")
    private String storageClassName;

    @Default("false")
    @JsonPropertyDescription("Keep the volumes when the ReplicaGroup is deleted (they get no owner reference); a new"
            + " ReplicaGroup of the same name and namespace reuses them.")
    private boolean retainOnDelete;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public boolean isRetainOnDelete() {
        return retainOnDelete;
    }

    public void setRetainOnDelete(boolean retainOnDelete) {
        this.retainOnDelete = retainOnDelete;
    }
}
