package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.operator.render.GatewayNames;
import dev.archway.operator.render.WorkloadRenderer;
import dev.archway.operator.upgrade.CanaryUpgrade;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The objects a GatewayCluster owns, one dependent each. Every {@code desired()} is a call into
 * the pure renderers; the informers only cache objects this operator labelled.
 */
final class Dependents {

  static final String MANAGED = "app.kubernetes.io/managed-by=archway-operator";

  private Dependents() {}

  /** The manifest ConfigMap the gateway pods watch; written after the shards it names. */
  @KubernetesDependent(informer = @Informer(
      labelSelector = MANAGED + "," + GatewayNames.CONFIG_PART_LABEL + "=manifest"))
  static class ConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GatewayCluster> {
    ConfigMapDependent() {
      super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return ConfigDelivery.of(context).rendered().manifest();
    }

    /** Exact: a key left over from the other form (inline or manifest) must go. */
    @Override
    public Matcher.Result<ConfigMap> match(
        ConfigMap actual, ConfigMap desired, GatewayCluster primary, Context<GatewayCluster> context) {
      return Matcher.Result.computed(Objects.equals(actual.getData(), desired.getData())
          && (actual.getBinaryData() == null || actual.getBinaryData().isEmpty())
          && sameLabels(actual, desired), desired);
    }
  }

  /**
   * The shard ConfigMaps of a config too big for the manifest, keyed by name: the desired
   * version's are created, retained older ones are left as they are, the rest are deleted.
   */
  @KubernetesDependent(informer = @Informer(
      labelSelector = MANAGED + "," + GatewayNames.CONFIG_PART_LABEL + "=shard"))
  static class ConfigShardsDependent extends CRUDKubernetesDependentResource<ConfigMap, GatewayCluster>
      implements BulkDependentResource<ConfigMap, GatewayCluster, String> {
    ConfigShardsDependent() {
      super(ConfigMap.class);
    }

    @Override
    public Map<String, ConfigMap> desiredResources(GatewayCluster primary, Context<GatewayCluster> context) {
      ConfigDelivery delivery = ConfigDelivery.of(context);
      Map<String, ConfigMap> desired = new TreeMap<>();
      delivery.rendered().shards().forEach(c -> desired.put(c.getMetadata().getName(), c));
      delivery.retained().forEach(c -> desired.put(c.getMetadata().getName(), c));
      return desired;
    }

    @Override
    public Map<String, ConfigMap> getSecondaryResources(GatewayCluster primary, Context<GatewayCluster> context) {
      return shardsOf(primary, context).collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c, (a, b) -> a));
    }

    @Override
    public void deleteTargetResource(
        GatewayCluster primary, ConfigMap resource, String key, Context<GatewayCluster> context) {
      context.getClient().configMaps().inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName()).delete();
    }
  }

  /** The desired labels and annotations are all on the actual object. */
  static boolean sameLabels(io.fabric8.kubernetes.api.model.HasMetadata actual, io.fabric8.kubernetes.api.model.HasMetadata desired) {
    return contains(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && contains(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations());
  }

  private static boolean contains(Map<String, String> actual, Map<String, String> desired) {
    return desired == null || desired.isEmpty()
        || (actual != null && actual.entrySet().containsAll(desired.entrySet()));
  }

  /** The cluster's shard ConfigMaps as cached. */
  static Stream<ConfigMap> shardsOf(GatewayCluster primary, Context<GatewayCluster> context) {
    String cluster = primary.getMetadata().getName();
    return context.getSecondaryResourcesAsStream(ConfigMap.class)
        .filter(ConfigDelivery::isShard)
        .filter(c -> primary.getMetadata().getNamespace().equals(c.getMetadata().getNamespace()))
        .filter(c -> cluster.equals(c.getMetadata().getLabels().get(GatewayNames.CLUSTER_LABEL)));
  }

  /** The config version the cluster's manifest ConfigMap names in the cache; null: no manifest yet. */
  static String liveManifestVersion(GatewayCluster primary, Context<GatewayCluster> context) {
    String name = GatewayNames.of(primary).configMap();
    return context.getSecondaryResourcesAsStream(ConfigMap.class)
        .filter(c -> name.equals(c.getMetadata().getName()))
        .filter(c -> primary.getMetadata().getNamespace().equals(c.getMetadata().getNamespace()))
        .map(c -> c.getMetadata().getAnnotations() == null ? null
            : c.getMetadata().getAnnotations().get(GatewayNames.CONFIG_VERSION_ANNOTATION))
        .filter(java.util.Objects::nonNull)
        .findFirst().orElse(null);
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, GatewayCluster> {
    DeploymentDependent() {
      super(Deployment.class);
    }

    @Override
    protected Deployment desired(GatewayCluster primary, Context<GatewayCluster> context) {
      // image and pods come from the upgrade plan: during a canary the stable keeps the old image
      return WorkloadRenderer.deployment(primary, ReconcileInputs.of(context).translation().config().listeners(),
          CanaryUpgrade.Plan.stableWorkload(context));
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class ServiceDependent extends CRUDKubernetesDependentResource<Service, GatewayCluster> {
    ServiceDependent() {
      super(Service.class);
    }

    @Override
    protected Service desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return WorkloadRenderer.service(primary, ReconcileInputs.of(context).translation().config().listeners());
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class PodDisruptionBudgetDependent
      extends CRUDKubernetesDependentResource<PodDisruptionBudget, GatewayCluster> {
    PodDisruptionBudgetDependent() {
      super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return WorkloadRenderer.podDisruptionBudget(primary);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class ServiceAccountDependent
      extends CRUDKubernetesDependentResource<ServiceAccount, GatewayCluster> {
    ServiceAccountDependent() {
      super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return WorkloadRenderer.serviceAccount(primary);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class RoleDependent extends CRUDKubernetesDependentResource<Role, GatewayCluster> {
    RoleDependent() {
      super(Role.class);
    }

    @Override
    protected Role desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return WorkloadRenderer.role(primary, ConfigDelivery.of(context).readableShardNames());
    }

    /** Exact: the generic matcher takes a list that only shrank (shards gone) for unchanged. */
    @Override
    public Matcher.Result<Role> match(Role actual, Role desired, GatewayCluster primary, Context<GatewayCluster> context) {
      return Matcher.Result.computed(Objects.equals(actual.getRules(), desired.getRules())
          && sameLabels(actual, desired), desired);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class RoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, GatewayCluster> {
    RoleBindingDependent() {
      super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return WorkloadRenderer.roleBinding(primary);
    }
  }
}
