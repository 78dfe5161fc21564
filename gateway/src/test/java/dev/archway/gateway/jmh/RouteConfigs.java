package dev.archway.gateway.jmh;

import dev.archway.gateway.routing.RequestFacts;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import dev.archway.model.RouteConfig;
import dev.archway.model.ServiceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Route tables of a given size for the benchmarks: rule i gets three matches (a prefix, an exact
 * path with a method, a prefix with a header condition), every 100th a regular expression; one
 * rule in ten is on one of n/200 wildcard hosts, the others on one of n/20 exact hosts.
 */
final class RouteConfigs {

  private RouteConfigs() {}

  static GatewayConfig config(int routes, int port, String variant) {
    int exactHosts = Math.max(1, routes / 20);
    int wildcardHosts = Math.max(1, routes / 200);
    List<RouteConfig> rules = new ArrayList<>(routes);
    for (int i = 0; i < routes; i++) {
      String host = i % 10 == 0 ? "*.w" + (i % wildcardHosts) + ".example.com"
          : "h" + (i % exactHosts) + ".example.com";
      List<MatchConfig> matches = new ArrayList<>(List.of(
          MatchConfig.prefix("/svc" + i + "/api"),
          new MatchConfig(new PathMatchConfig(PathMatchConfig.EXACT, "/svc" + i + "/health"), "GET", List.of(),
              List.of()),
          new MatchConfig(new PathMatchConfig(PathMatchConfig.PREFIX, "/svc" + i + variant), null,
              List.of(new ValueMatch("x-canary", ValueMatch.EXACT, "1")), List.of())));
      if (i % 100 == 0) {
        matches.add(new MatchConfig(new PathMatchConfig(PathMatchConfig.REGEX, "/r" + i + "/[0-9]+"), null,
            List.of(), List.of()));
      }
      rules.add(new RouteConfig("ns/r" + i, 0, List.of(host), matches, null,
          List.of(new RouteConfig.Backend("ns/svc" + (i % 50), 1))));
    }
    List<ServiceConfig> services = new ArrayList<>();
    for (int s = 0; s < 50; s++) {
      services.add(ServiceConfig.of("ns/svc" + s, List.of(new ServiceConfig.TargetConfig("127.0.0.1", 9, 1))));
    }
    return new GatewayConfig(GatewayConfig.SCHEMA_VERSION, null, "ns/gw",
        List.of(new ListenerConfig("http", port, "HTTP")), rules, services).withContentVersion();
  }

  /** 1024 requests spread over the rules, each matching one by host and path prefix. */
  static RequestFacts[] requests(int routes) {
    int exactHosts = Math.max(1, routes / 20);
    int wildcardHosts = Math.max(1, routes / 200);
    RequestFacts[] requests = new RequestFacts[1024];
    for (int k = 0; k < requests.length; k++) {
      int r = (int) ((k * 7919L) % routes);
      String host = r % 10 == 0 ? "a.b.w" + (r % wildcardHosts) + ".example.com"
          : "h" + (r % exactHosts) + ".example.com:8080";
      requests[k] = RequestFacts.of(host, "/svc" + r + "/api/users/" + k + "/orders");
    }
    return requests;
  }
}
