package dev.archway.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.model.GatewayConfig;
import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.ListenerConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import dev.archway.model.RouteConfig;
import dev.archway.model.RouteConfig.Backend;
import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.TargetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static RouteConfig route(String name, List<String> hosts, String... prefixes) {
    return new RouteConfig(name, 0, hosts, Arrays.stream(prefixes).map(MatchConfig::prefix).toList(), null,
        List.of(new Backend("ns/svc", 1)));
  }

  private static RouteConfig rule(String name, List<String> hosts, MatchConfig... matches) {
    return new RouteConfig(name, 0, hosts, List.of(matches), null, List.of(new Backend("ns/svc", 1)));
  }

  private static MatchConfig exact(String path) {
    return new MatchConfig(new PathMatchConfig(PathMatchConfig.EXACT, path), null, List.of(), List.of());
  }

  private static MatchConfig regex(String pattern) {
    return new MatchConfig(new PathMatchConfig(PathMatchConfig.REGEX, pattern), null, List.of(), List.of());
  }

  private static MatchConfig prefix(String prefix, String method, List<ValueMatch> headers, List<ValueMatch> query) {
    return new MatchConfig(new PathMatchConfig(PathMatchConfig.PREFIX, prefix), method, headers, query);
  }

  private static ValueMatch is(String name, String value) {
    return new ValueMatch(name, ValueMatch.EXACT, value);
  }

  private static ServiceConfig svc(String name, TargetConfig... targets) {
    return ServiceConfig.of(name, List.of(targets));
  }

  private static RouteTable compile(RouteConfig... routes) {
    return compile(List.of(routes), List.of(svc("ns/svc", new TargetConfig("127.0.0.1", 9, 1))));
  }

  private static RouteTable compile(List<RouteConfig> routes, List<ServiceConfig> services) {
    return RouteTable.compile(new GatewayConfig(1, null, "ns/gw",
        List.of(new ListenerConfig("http", 8080, "HTTP")), routes, services));
  }

  private static String matched(RouteTable table, String host, String path) {
    Route route = table.match(host, path);
    return route == null ? null : route.name();
  }

  private static String matched(RouteTable table, String method, String path, Map<String, String> headers,
      Map<String, String> query) {
    RouteMatch found = table.match(new RequestFacts() {
      @Override
      public String host() {
        return "x";
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String method() {
        return method;
      }

      @Override
      public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
            .map(Map.Entry::getValue).findFirst().orElse(null);
      }

      @Override
      public String queryParam(String name) {
        return query.get(name);
      }
    });
    return found == null ? null : found.route().name();
  }

  private static String next(Upstream upstream) {
    return upstream.pick(null, null).target().host();
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
  void theFirstOfTwoIdenticalMatchesKeepsItAndTheOtherIsReported() {
    RouteTable table = compile(route("first", List.of(), "/api"), route("second", List.of(), "/api/"));
    assertThat(matched(table, "x", "/api")).isEqualTo("first");
    assertThat(table.warnings()).singleElement().asString()
        .contains("routes[1]", "/api", "first#0");
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
    ServiceConfig svc = svc("ns/svc",
        new TargetConfig("a", 1, 2), new TargetConfig("b", 1, 1), new TargetConfig("off", 1, 0));
    Upstream upstream = compile(List.of(route("r", List.of(), "/")), List.of(svc)).upstream("ns/svc");
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      hits.merge(next(upstream), 1, Integer::sum);
    }
    assertThat(hits).containsExactlyInAnyOrderEntriesOf(Map.of("a", 200, "b", 100));
  }

  @Test
  void evenTargetsAlternate() {
    ServiceConfig svc = svc("ns/svc", new TargetConfig("a", 1, 5), new TargetConfig("b", 1, 5));
    Upstream upstream = compile(List.of(route("r", List.of(), "/")), List.of(svc)).upstream("ns/svc");
    assertThat(List.of(next(upstream), next(upstream), next(upstream), next(upstream)))
        .containsExactly("a", "b", "a", "b");
  }

  @Test
  void backendsShareTrafficByWeightAndZeroWeightGetsNone() {
    List<ServiceConfig> services = List.of(
        svc("ns/stable", new TargetConfig("s", 1, 1)),
        svc("ns/canary", new TargetConfig("c", 1, 1)),
        svc("ns/off", new TargetConfig("o", 1, 1)));
    RouteConfig split = new RouteConfig("split", 0, List.of(), List.of(MatchConfig.prefix("/")), null, List.of(
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
        List.of(svc("ns/svc")));
    assertThat(table.upstream("ns/svc").hasTargets()).isFalse();
    assertThat(table.upstream("ns/svc").pick(null, null)).isNull();
  }

  @Test
  void wildcardHostsTakeOneOrMoreLabelsAndTheLongestSuffixWins() {
    RouteTable table = compile(
        route("wide", List.of("*.example.com"), "/"),
        route("narrow", List.of("*.eu.example.com"), "/"),
        route("exact", List.of("shop.eu.example.com"), "/"),
        route("any", List.of(), "/"));
    assertThat(matched(table, "a.example.com", "/")).isEqualTo("wide");
    assertThat(matched(table, "a.b.c.example.com", "/")).isEqualTo("wide");
    assertThat(matched(table, "a.eu.example.com", "/")).isEqualTo("narrow");
    assertThat(matched(table, "x.y.eu.example.com:8080", "/")).isEqualTo("narrow");
    assertThat(matched(table, "SHOP.eu.example.com", "/")).isEqualTo("exact");
    assertThat(matched(table, "example.com", "/")).as("the wildcard needs a label in front").isEqualTo("any");
    assertThat(matched(table, "eu.example.com", "/")).isEqualTo("wide");
    assertThat(matched(table, "example.org", "/")).isEqualTo("any");
  }

  @Test
  void aHostGroupWithoutAMatchingRuleFallsBackToTheNextLessSpecificGroup() {
    RouteTable table = compile(
        route("exact-api", List.of("api.example.com"), "/api"),
        route("wild-static", List.of("*.example.com"), "/static"),
        route("any", List.of(), "/"));
    assertThat(matched(table, "api.example.com", "/api/x")).isEqualTo("exact-api");
    assertThat(matched(table, "api.example.com", "/static/a.css")).isEqualTo("wild-static");
    assertThat(matched(table, "api.example.com", "/other")).isEqualTo("any");
  }

  @Test
  void exactPathBeatsRegexWhichBeatsPrefixAndTheLongerRegexWins() {
    RouteTable table = compile(
        route("prefix", List.of(), "/users"),
        rule("short-regex", List.of(), regex("/users/.*")),
        rule("long-regex", List.of(), regex("/users/[0-9]+")),
        rule("exact", List.of(), exact("/users/42")));
    assertThat(matched(table, "x", "/users/42")).isEqualTo("exact");
    assertThat(matched(table, "x", "/users/7")).isEqualTo("long-regex");
    assertThat(matched(table, "x", "/users/bob")).isEqualTo("short-regex");
    assertThat(matched(table, "x", "/users")).isEqualTo("prefix");
    assertThat(matched(table, "x", "/users/42/")).as("exact means exact").isEqualTo("short-regex");
  }

  @Test
  void aRegexMustMatchTheWholePath() {
    RouteTable table = compile(rule("v", List.of(), regex("/v[0-9]")));
    assertThat(matched(table, "x", "/v1")).isEqualTo("v");
    assertThat(matched(table, "x", "/v1/more")).isNull();
    assertThat(matched(table, "x", "/x/v1")).isNull();
  }

  @Test
  void amongEqualPathsMethodThenHeadersThenQueryThenDocumentOrderDecide() {
    RouteTable table = compile(
        rule("plain", List.of(), prefix("/api", null, List.of(), List.of())),
        rule("one-query", List.of(), prefix("/api", null, List.of(), List.of(is("v", "2")))),
        rule("one-header", List.of(), prefix("/api", null, List.of(is("x-team", "a")), List.of())),
        rule("two-headers", List.of(),
            prefix("/api", null, List.of(is("x-team", "a"), is("x-env", "dev")), List.of())),
        rule("post", List.of(), prefix("/api", "POST", List.of(), List.of())),
        rule("post-later", List.of(), prefix("/api", "POST", List.of(), List.of())));
    Map<String, String> none = Map.of();
    assertThat(matched(table, "GET", "/api/x", none, none)).isEqualTo("plain");
    assertThat(matched(table, "GET", "/api/x", none, Map.of("v", "2"))).isEqualTo("one-query");
    assertThat(matched(table, "GET", "/api/x", Map.of("X-Team", "a"), Map.of("v", "2"))).isEqualTo("one-header");
    assertThat(matched(table, "GET", "/api/x", Map.of("x-team", "a", "X-ENV", "dev"), none))
        .isEqualTo("two-headers");
    assertThat(matched(table, "POST", "/api/x", Map.of("x-team", "a", "x-env", "dev"), Map.of("v", "2")))
        .isEqualTo("post");
    assertThat(matched(table, "GET", "/api/x", Map.of("x-team", "b"), Map.of("V", "2"))).isEqualTo("plain");
  }

  @Test
  void aLongerPrefixWinsOverConditionsOnAShorterOneAndFailedConditionsFallThrough() {
    RouteTable table = compile(
        rule("short-with-header", List.of(), prefix("/api", null, List.of(is("x-a", "1")), List.of())),
        rule("long-with-method", List.of(), prefix("/api/v1", "DELETE", List.of(), List.of())),
        route("root", List.of(), "/"));
    Map<String, String> header = Map.of("x-a", "1");
    assertThat(matched(table, "DELETE", "/api/v1/x", header, Map.of())).isEqualTo("long-with-method");
    assertThat(matched(table, "GET", "/api/v1/x", header, Map.of())).isEqualTo("short-with-header");
    assertThat(matched(table, "GET", "/api/v1/x", Map.of(), Map.of())).isEqualTo("root");
  }

  @Test
  void headerAndQueryValuesCanBeRegularExpressions() {
    RouteTable table = compile(rule("canary", List.of(), prefix("/", null,
        List.of(new ValueMatch("x-user", ValueMatch.REGEX, "tester-[0-9]+")),
        List.of(new ValueMatch("beta", ValueMatch.REGEX, "yes|true")))));
    assertThat(matched(table, "GET", "/", Map.of("x-user", "tester-12"), Map.of("beta", "true")))
        .isEqualTo("canary");
    assertThat(matched(table, "GET", "/", Map.of("x-user", "tester-12x"), Map.of("beta", "true"))).isNull();
    assertThat(matched(table, "GET", "/", Map.of("x-user", "tester-1"), Map.of())).isNull();
  }

  @Test
  void anyOfARulesMatchesSelectsIt() {
    RouteTable table = compile(rule("either", List.of(), exact("/a"), MatchConfig.prefix("/b")));
    assertThat(matched(table, "x", "/a")).isEqualTo("either");
    assertThat(matched(table, "x", "/b/c")).isEqualTo("either");
    assertThat(matched(table, "x", "/a/c")).isNull();
  }
}
