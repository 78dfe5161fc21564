package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.RouteStatus;
import dev.archway.operator.translate.RouteVerdict;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.translate.Translator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Accepted, ResolvedRefs and Programmed on the Routes of a cluster, only when they change. */
final class RouteStatusWriter {

  /**
   * The Programmed condition of a route.
   *
   * @param status every ready gateway pod has applied a config holding this generation of the route
   */
  record Programmed(boolean status, String reason, String message) {

    static Programmed notInConfig(RouteVerdict verdict) {
      return new Programmed(false, "Invalid", "Route is not in the rendered config: " + verdict.message());
    }
  }

  private static String previousMessage(RouteStatus status) {
    return status.getConditions().stream().filter(c -> "False".equals(c.getStatus()))
        .map(c -> c.getMessage()).findFirst().orElse("");
  }

  private static final Logger LOG = LoggerFactory.getLogger(RouteStatusWriter.class);

  /**
   * Sets Accepted and ResolvedRefs from a verdict and Programmed, writing only when they change.
   *
   * @return the status before the write, or null when nothing changed
   */
  static RouteStatus replaceConditions(
      KubernetesClient client, ArchwayRoute route, RouteVerdict verdict, Programmed programmed) {
    RouteStatus current = route.getStatus() == null ? new RouteStatus() : route.getStatus();
    Long generation = route.getMetadata().getGeneration();
    var conditions = Conditions.set(current.getConditions(), "Accepted", verdict.accepted(),
        verdict.accepted() ? "Accepted" : verdict.reason(),
        verdict.accepted() ? "Route is bound to GatewayCluster " + route.getSpec().getGatewayClusterRef().getName()
            : verdict.message(),
        generation);
    conditions = Conditions.set(conditions, "ResolvedRefs", verdict.resolvedRefs(),
        verdict.resolvedRefs() ? "ResolvedRefs" : verdict.reason(),
        verdict.resolvedRefs()
            ? "Every backend Service exists" + (verdict.note() == null ? "" : "; " + verdict.note())
            : verdict.message(),
        generation);
    conditions = Conditions.set(conditions, "Programmed", programmed.status(), programmed.reason(),
        programmed.message(), generation);
    if (Objects.equals(generation, current.getObservedGeneration())
        && Conditions.sameIgnoringTime(current.getConditions(), conditions)) {
      return null;
    }
    RouteStatus next = new RouteStatus();
    next.setObservedGeneration(generation);
    next.setConditions(conditions);
    StatusPatch.replace(client, ArchwayRoute.class, route, next);
    return current;
  }

  void write(KubernetesClient client, List<ArchwayRoute> routes, Translation translation,
      java.util.function.BiFunction<ArchwayRoute, RouteVerdict, Programmed> programmed) {
    for (ArchwayRoute route : routes) {
      RouteVerdict verdict = translation.routes().get(Translator.key(route));
      if (verdict == null) {
        continue; // bound to another cluster; that cluster's reconciler writes it
      }
      try {
        RouteStatus previous = replaceConditions(client, route, verdict, programmed.apply(route, verdict));
        if (previous == null) {
          continue;
        }
        boolean wasProgrammable = previous.getConditions().stream()
            .filter(c -> "Accepted".equals(c.getType()) || "ResolvedRefs".equals(c.getType()))
            .allMatch(c -> "True".equals(c.getStatus()));
        if (!verdict.programmable() && (wasProgrammable || !verdict.message().equals(previousMessage(previous)))) {
          EventRecorder.record(client, route, true, verdict.reason(), verdict.message());
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        LOG.debug("Route {} went away before its status was written", Translator.key(route));
      }
    }
  }
}
