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

  /** The pod name where there is one, so that the Lease names the replica holding it. */
  static String identity() {
    String pod = System.getenv("POD_NAME");
    return pod != null && !pod.isBlank() ? pod : "archway-operator-" + java.util.UUID.randomUUID();
  }

  /**
   * An operator that is registered but not started.
   *
   * <p>Dependents are created and updated with plain create/update and matched without
   * server-side apply, and status is written with JSON merge patch: this behaves the same on
   * every API server, including test servers that have no server-side apply.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings) {
    return create(client, settings, settings.leaseNamespace() == null ? null
        : new LeaderElectionConfiguration(LEASE_NAME, settings.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
            identity(), null, true));
  }

  /**
   * An operator with explicit leader election (null: none).
   *
   * <p>Only the holder of the Lease reconciles; the others stand by and take over when it stops
   * renewing. In production a replica that loses the Lease exits and is restarted.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, LeaderElectionConfiguration election) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .checkingCRDAndValidateLocalModel(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false);
              if (election != null) {
                o.withLeaderElectionConfiguration(election);
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
