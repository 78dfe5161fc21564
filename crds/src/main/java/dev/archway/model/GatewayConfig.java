package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A complete routing config for one gateway fleet; applied whole or not at all.
 *
 * @param schemaVersion format of this document; a gateway refuses versions it does not know
 * @param version content hash of everything else in the document ({@link ConfigCodec#hash})
 * @param cluster the GatewayCluster this config was rendered for, {@code namespace/name}
 * @param listeners proxy listeners to open
 * @param routes routes in precedence order as rendered
 * @param services upstreams that routes refer to by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayConfig(
    int schemaVersion,
    String version,
    String cluster,
    List<ListenerConfig> listeners,
    List<RouteConfig> routes,
    List<ServiceConfig> services) {

  /** The schema version this build writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  public GatewayConfig {
    listeners = listeners == null ? List.of() : List.copyOf(listeners);
    routes = routes == null ? List.of() : List.copyOf(routes);
    services = services == null ? List.of() : List.copyOf(services);
  }

  /** This config with its version set to the hash of its content. */
  public GatewayConfig withContentVersion() {
    return new GatewayConfig(
        schemaVersion, ConfigCodec.hash(this), cluster, listeners, routes, services);
  }
}
