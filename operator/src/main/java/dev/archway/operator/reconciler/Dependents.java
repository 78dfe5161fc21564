package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.operator.render.ConfigMapRenderer;
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
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The objects a GatewayCluster owns, one dependent each. Every {@code desired()} is a call into
 * the pure renderers; the informers only cache objects this operator labelled.
 */
final class Dependents {

  static final String MANAGED = "app.kubernetes.io/managed-by=archway-operator";

  private Dependents() {}

  @KubernetesDependent(informer = @Informer(labelSelector = MANAGED))
  static class ConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GatewayCluster> {
    ConfigMapDependent() {
      super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GatewayCluster primary, Context<GatewayCluster> context) {
      return ConfigMapRenderer.render(
          GatewayNames.of(primary), ReconcileInputs.of(context).translation().config());
    }
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
      return WorkloadRenderer.role(primary);
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
