package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.operator.translate.RouteVerdict;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Tells a Route that names a GatewayCluster which does not exist: {@code Accepted=False},
 * reason {@code GatewayClusterNotFound}. Routes of existing clusters get their status from
 * {@link GatewayClusterReconciler}, which translates them.
 */
@ControllerConfiguration(name = UnboundRouteReconciler.NAME)
public class UnboundRouteReconciler implements Reconciler<ArchwayRoute> {

  public static final String NAME = "unbound-route";
  static final String REASON = "GatewayClusterNotFound";

  @Override
  public List<EventSource<?, ArchwayRoute>> prepareEventSources(EventSourceContext<ArchwayRoute> context) {
    // a cluster that comes or goes changes the answer for every Route naming it
    var clusters = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(GatewayCluster.class, ArchwayRoute.class)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper((GatewayCluster gc) -> context.getPrimaryCache()
                .list(gc.getMetadata().getNamespace())
                .filter(r -> r.getSpec() != null && r.getSpec().getGatewayClusterRef() != null
                    && gc.getMetadata().getName().equals(r.getSpec().getGatewayClusterRef().getName()))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((ArchwayRoute r) -> r.getSpec() == null || r.getSpec().getGatewayClusterRef() == null
                ? java.util.Set.of()
                : java.util.Set.of(new ResourceID(r.getSpec().getGatewayClusterRef().getName(), r.getMetadata().getNamespace())))
            .build(),
        context);
    return List.of(clusters);
  }

  @Override
  public UpdateControl<ArchwayRoute> reconcile(ArchwayRoute route, Context<ArchwayRoute> context) {
    if (route.getSpec() == null || route.getSpec().getGatewayClusterRef() == null) {
      return UpdateControl.noUpdate(); // the schema requires the reference
    }
    String cluster = route.getSpec().getGatewayClusterRef().getName();
    boolean exists = context.getSecondaryResource(GatewayCluster.class)
        .filter(gc -> gc.getMetadata().getDeletionTimestamp() == null)
        .isPresent();
    if (exists) {
      return UpdateControl.noUpdate();
    }
    String message = "spec.gatewayClusterRef.name: GatewayCluster " + cluster + " not found in namespace "
        + route.getMetadata().getNamespace();
    RouteVerdict verdict = new RouteVerdict(false, false, REASON, message);
    RouteStatusWriter.replaceConditions(context.getClient(), route, verdict,
        RouteStatusWriter.Programmed.notInConfig(verdict));
    return UpdateControl.noUpdate();
  }
}
