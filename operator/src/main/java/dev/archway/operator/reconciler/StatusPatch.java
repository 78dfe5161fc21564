package dev.archway.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

/**
 * Replaces the status of a resource whole through the status subresource.
 *
 * <p>A JSON Patch {@code add /status} replaces the stanza, lists included, on every API server;
 * a merge patch is not enough for test servers that merge lists item by item.
 */
final class StatusPatch {

  private StatusPatch() {}

  static <T extends HasMetadata> void replace(KubernetesClient client, Class<T> type, HasMetadata resource, Object status) {
    String patch = client.getKubernetesSerialization().asJson(
        List.of(Map.of("op", "add", "path", "/status", "value", status)));
    client.resources(type)
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
  }
}
