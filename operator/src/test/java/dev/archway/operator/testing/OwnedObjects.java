package dev.archway.operator.testing;

import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/** The objects the operator renders for one GatewayCluster, as the API server has them now. */
public final class OwnedObjects {

  private OwnedObjects() {}

  /** Each owned object, or null where it does not exist; always seven entries. */
  public static List<HasMetadata> of(KubernetesClient client, String namespace, String cluster) {
    GatewayNames names = new GatewayNames(cluster, namespace);
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(client.serviceAccounts().inNamespace(namespace).withName(names.gateway()).get());
    objects.add(client.rbac().roles().inNamespace(namespace).withName(names.gateway()).get());
    objects.add(client.rbac().roleBindings().inNamespace(namespace).withName(names.gateway()).get());
    objects.add(client.configMaps().inNamespace(namespace).withName(names.configMap()).get());
    objects.add(client.apps().deployments().inNamespace(namespace).withName(names.gateway()).get());
    objects.add(client.services().inNamespace(namespace).withName(names.gateway()).get());
    objects.add(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(names.gateway()).get());
    return objects;
  }

  public static boolean allPresent(KubernetesClient client, String namespace, String cluster) {
    return of(client, namespace, cluster).stream().allMatch(o -> o != null);
  }

  public static boolean allGone(KubernetesClient client, String namespace, String cluster) {
    return of(client, namespace, cluster).stream().allMatch(o -> o == null);
  }
}
