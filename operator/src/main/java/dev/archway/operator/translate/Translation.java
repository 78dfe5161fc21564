package dev.archway.operator.translate;

import dev.archway.model.GatewayConfig;
import java.util.Map;

/**
 * The result of translating one GatewayCluster and the resources bound to it.
 *
 * @param config the versioned config, holding only the routes that were accepted
 * @param routes verdict per Route bound to the cluster, keyed by {@code namespace/name}
 */
public record Translation(GatewayConfig config, Map<String, RouteVerdict> routes) {

  /** Routes left out of the config. */
  public long rejectedRoutes() {
    return routes.values().stream().filter(v -> !v.programmable()).count();
  }
}
