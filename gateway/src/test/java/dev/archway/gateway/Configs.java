package dev.archway.gateway;

import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.RouteFilters;
import dev.archway.model.ServiceConfig;
import java.util.Arrays;
import java.util.List;

/** Builds config documents for tests. */
final class Configs {

  private Configs() {}

  static GatewayConfig config(int port, List<RouteConfig> routes, List<ServiceConfig> services) {
    return new GatewayConfig(GatewayConfig.SCHEMA_VERSION, null, "test/gateway",
        List.of(new ListenerConfig("http", port, "HTTP")), routes, services).withContentVersion();
  }

  static RouteConfig route(String name, List<String> hosts, List<String> prefixes, String... services) {
    return new RouteConfig(name, 0, hosts, prefixes.stream().map(MatchConfig::prefix).toList(), null,
        Arrays.stream(services).map(s -> new RouteConfig.Backend(s, 1)).toList());
  }

  /** A rule with its own matches and filters, to one service. */
  static RouteConfig route(String name, List<String> hosts, List<MatchConfig> matches, RouteFilters filters,
      String service) {
    return new RouteConfig(name, 0, hosts, matches, filters,
        service == null ? List.of() : List.of(new RouteConfig.Backend(service, 1)));
  }

  static ServiceConfig service(String name, int... ports) {
    return ServiceConfig.of(name, targets(ports));
  }

  static List<ServiceConfig.TargetConfig> targets(int... ports) {
    return Arrays.stream(ports).mapToObj(p -> new ServiceConfig.TargetConfig("127.0.0.1", p, 1)).toList();
  }

  /** One route for every host and path to one service. */
  static GatewayConfig everythingTo(int port, int... targetPorts) {
    return config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")),
        List.of(service("test/svc", targetPorts)));
  }

  static String json(GatewayConfig config) {
    return ConfigCodec.encode(config);
  }
}
