package dev.archway.gateway;

import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.RouteConfig;
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
    return new RouteConfig(name, 0, hosts, prefixes,
        Arrays.stream(services).map(s -> new RouteConfig.Backend(s, 1)).toList());
  }

  static ServiceConfig service(String name, int... ports) {
    return new ServiceConfig(name, "RoundRobin",
        Arrays.stream(ports).mapToObj(p -> new ServiceConfig.TargetConfig("127.0.0.1", p, 1)).toList());
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
