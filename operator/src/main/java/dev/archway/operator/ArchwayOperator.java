package dev.archway.operator;

import dev.archway.operator.reconciler.GatewayClusterReconciler;
import dev.archway.operator.reconciler.UnboundRouteReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/** Builds the java-operator-sdk Operator with Archway's controllers. */
public final class ArchwayOperator {

  public static final String LEASE_NAME = "archway-operator";

  private ArchwayOperator() {}

  /**
   * An operator that is registered but not started.
   *
   * <p>Dependents are created and updated with plain create/update and matched without
   * server-side apply, and status is written with JSON merge patch: this behaves the same on
   * every API server, including test servers that have no server-side apply.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .checkingCRDAndValidateLocalModel(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false);
              if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(LEASE_NAME, settings.leaseNamespace()));
              }
            });
    operator.register(
        new GatewayClusterReconciler(settings),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    operator.register(
        new UnboundRouteReconciler(),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    return operator;
  }
}
