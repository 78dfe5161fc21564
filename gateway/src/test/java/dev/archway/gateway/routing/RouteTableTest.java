package dev.archway.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.RouteConfig.Backend;
import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.TargetConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static RouteConfig route(String name, List<String> hosts, String... prefixes) {
    return new RouteConfig(name, 0, hosts, List.of(prefixes), List.of(new Backend("ns/svc", 1)));
  }

  private static RouteTable compile(RouteConfig... routes) {
    return compile(List.of(routes), List.of(new ServiceConfig("ns/svc", "RoundRobin",
        List.of(new TargetConfig("127.0.0.1", 9, 1)))));
  }

  private static RouteTable compile(List<RouteConfig> routes, List<ServiceConfig> services) {
    return RouteTable.compile(new GatewayConfig(1, null, "ns/gw",
        List.of(new ListenerConfig("http", 8080, "HTTP")), routes, services));
  }

  private static String matched(RouteTable table, String host, String path) {
    Route route = table.match(host, path);
    return route == null ? null : route.name();
  }

  @Test
  void prefixesMatchWholeSegmentsOnly() {
    RouteTable table = compile(route("api", List.of(), "/api"));
    assertThat(matched(table, "x", "/api")).isEqualTo("api");
    assertThat(matched(table, "x", "/api/")).isEqualTo("api");
    assertThat(matched(table, "x", "/api/users/7")).isEqualTo("api");
    assertThat(matched(table, "x", "/apix")).isNull();
    assertThat(matched(table, "x", "/ap")).isNull();
    assertThat(matched(table, "x", "/")).isNull();
  }

  @Test
  void prefixWithTrailingSlashIsTheSamePrefix() {
    RouteTable table = compile(route("api", List.of(), "/api/"));
    assertThat(matched(table, "x", "/api")).isEqualTo("api");
    assertThat(matched(table, "x", "/api/v1")).isEqualTo("api");
    assertThat(matched(table, "x", "/apiv1")).isNull();
  }

  @Test
  void longestPrefixWinsAndRootMatchesEverything() {
    RouteTable table = compile(
        route("root", List.of(), "/"),
        route("api", List.of(), "/api"),
        route("v1", List.of(), "/api/v1"));
    assertThat(matched(table, "x", "/api/v1/users")).isEqualTo("v1");
    assertThat(matched(table, "x", "/api/v1")).isEqualTo("v1");
    assertThat(matched(table, "x", "/api/v2")).isEqualTo("api");
    assertThat(matched(table, "x", "/api/v1x")).isEqualTo("api");
    assertThat(matched(table, "x", "/other")).isEqualTo("root");
    assertThat(matched(table, "x", "/")).isEqualTo("root");
    assertThat(matched(table, null, "")).isEqualTo("root");
  }

  @Test
  void hostMatchesExactlyIgnoringCaseAndPort() {
    RouteTable table = compile(route("shop", List.of("shop.example.com"), "/"));
    assertThat(matched(table, "shop.example.com", "/cart")).isEqualTo("shop");
    assertThat(matched(table, "SHOP.Example.COM:8080", "/cart")).isEqualTo("shop");
    assertThat(matched(table, "shop.example.com.", "/cart")).isEqualTo("shop");
    assertThat(matched(table, "www.shop.example.com", "/cart")).isNull();
    assertThat(matched(table, null, "/cart")).isNull();
  }

  @Test
  void exactHostBeatsAnyHostEvenWithAShorterPrefix() {
    RouteTable table = compile(
        route("any-api", List.of(), "/api"),
        route("shop-root", List.of("shop.example.com"), "/"),
        route("shop-admin", List.of("shop.example.com"), "/admin"));
    assertThat(matched(table, "shop.example.com", "/api/x")).isEqualTo("shop-root");
    assertThat(matched(table, "shop.example.com", "/admin/x")).isEqualTo("shop-admin");
    assertThat(matched(table, "other.example.com", "/api/x")).isEqualTo("any-api");
    assertThat(matched(table, "other.example.com", "/admin")).isNull();
  }

  @Test
  void hostRoutesWithoutAMatchingPrefixFallBackToAnyHostRoutes() {
    RouteTable table = compile(
        route("shop-api", List.of("shop.example.com"), "/api"),
        route("any", List.of(), "/"));
    assertThat(matched(table, "shop.example.com", "/api")).isEqualTo("shop-api");
    assertThat(matched(table, "shop.example.com", "/static/a.css")).isEqualTo("any");
  }

  @Test
  void theFirstRouteToClaimAPrefixKeepsItAndTheOtherIsReported() {
    RouteTable table = compile(route("first", List.of(), "/api"), route("second", List.of(), "/api/"));
    assertThat(matched(table, "x", "/api")).isEqualTo("first");
    assertThat(table.warnings()).singleElement().asString()
        .contains("routes[1]", "/api/", "first#0");
  }

  @Test
  void manyRoutesStillResolveToTheRightOne() {
    List<RouteConfig> routes = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      routes.add(route("r" + i, List.of("h" + (i % 50) + ".example.com"), "/p" + i, "/p" + i + "/deep/er"));
    }
    RouteTable table = compile(routes.toArray(RouteConfig[]::new));
    assertThat(matched(table, "h7.example.com", "/p1257/x")).isEqualTo("r1257");
    assertThat(matched(table, "h7.example.com", "/p1257/deep/er/x")).isEqualTo("r1257");
    assertThat(matched(table, "h8.example.com", "/p1257/x")).isNull();
  }

  @Test
  void targetsTakeTurnsByWeight() {
    ServiceConfig svc = new ServiceConfig("ns/svc", "RoundRobin", List.of(
        new TargetConfig("a", 1, 2), new TargetConfig("b", 1, 1), new TargetConfig("off", 1, 0)));
    Upstream upstream = compile(List.of(route("r", List.of(), "/")), List.of(svc)).upstream("ns/svc");
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      hits.merge(upstream.nextTarget().host(), 1, Integer::sum);
    }
    assertThat(hits).containsExactlyInAnyOrderEntriesOf(Map.of("a", 200, "b", 100));
  }

  @Test
  void evenTargetsAlternate() {
    ServiceConfig svc = new ServiceConfig("ns/svc", "RoundRobin", List.of(
        new TargetConfig("a", 1, 5), new TargetConfig("b", 1, 5)));
    Upstream upstream = compile(List.of(route("r", List.of(), "/")), List.of(svc)).upstream("ns/svc");
    assertThat(List.of(upstream.nextTarget().host(), upstream.nextTarget().host(),
        upstream.nextTarget().host(), upstream.nextTarget().host())).containsExactly("a", "b", "a", "b");
  }

  @Test
  void backendsShareTrafficByWeightAndZeroWeightGetsNone() {
    List<ServiceConfig> services = List.of(
        new ServiceConfig("ns/stable", "RoundRobin", List.of(new TargetConfig("s", 1, 1))),
        new ServiceConfig("ns/canary", "RoundRobin", List.of(new TargetConfig("c", 1, 1))),
        new ServiceConfig("ns/off", "RoundRobin", List.of(new TargetConfig("o", 1, 1))));
    RouteConfig split = new RouteConfig("split", 0, List.of(), List.of("/"), List.of(
        new Backend("ns/stable", 9), new Backend("ns/canary", 1), new Backend("ns/off", 0)));
    Route route = compile(List.of(split), services).match("x", "/");
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      hits.merge(route.pickBackend().service(), 1, Integer::sum);
    }
    assertThat(hits).doesNotContainKey("ns/off");
    assertThat(hits.get("ns/canary")).isBetween(700, 1300);
  }

  @Test
  void serviceWithoutTargetsHasNoNextTarget() {
    RouteTable table = compile(List.of(route("r", List.of(), "/")),
        List.of(new ServiceConfig("ns/svc", "RoundRobin", List.of())));
    assertThat(table.upstream("ns/svc").nextTarget()).isNull();
  }
}
