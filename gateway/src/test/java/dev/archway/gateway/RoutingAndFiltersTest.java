package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.Http.Reply;
import dev.archway.model.MatchConfig;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import dev.archway.model.RouteFilters;
import dev.archway.model.RouteFilters.DirectResponse;
import dev.archway.model.RouteFilters.Header;
import dev.archway.model.RouteFilters.HeaderModifier;
import dev.archway.model.RouteFilters.UrlRewrite;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Host, path, method, header and query matching and the filters, through a real listener. */
class RoutingAndFiltersTest extends TwoUpstreamsFixture {

  private static MatchConfig match(String type, String path, String method, List<ValueMatch> headers,
      List<ValueMatch> query) {
    return new MatchConfig(new PathMatchConfig(type, path), method, headers, query);
  }

  private Reply send(HttpMethod method, String host, String uri, MultiMap headers) {
    try {
      return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
              .setHeaders(headers))
          .compose(request -> {
            request.authority(HostAndPort.create(host, -1));
            return request.send().compose(r -> r.body().map(body -> new Reply(r.statusCode(), body, r.headers())));
          })
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void wildcardHostsRegexMethodHeaderAndQueryMatchesPickTheRightUpstream() {
    gateway.apply(config(port, List.of(
            route("wild/all", List.of("*.example.com"), List.of("/"), "svc/a"),
            route("wild/reports", List.of("*.example.com"),
                List.of(match(PathMatchConfig.REGEX, "/reports/[0-9]{4}", null, List.of(), List.of())), null,
                "svc/b"),
            route("wild/delete", List.of("*.example.com"),
                List.of(match(PathMatchConfig.PREFIX, "/", "DELETE", List.of(), List.of())), null, "svc/b"),
            route("wild/canary", List.of("*.example.com"),
                List.of(match(PathMatchConfig.PREFIX, "/", null,
                    List.of(new ValueMatch("X-Canary", ValueMatch.EXACT, "yes")),
                    List.of(new ValueMatch("beta", ValueMatch.EXACT, "1")))), null, "svc/b")),
        List.of(service("svc/a", a.port()), service("svc/b", b.port()))));

    MultiMap none = MultiMap.caseInsensitiveMultiMap();
    assertThat(send(HttpMethod.GET, "shop.example.com", "/reports/2024", none).body()).isEqualTo("b");
    assertThat(send(HttpMethod.GET, "shop.example.com", "/reports/2024/q1", none).body()).isEqualTo("a");
    assertThat(send(HttpMethod.DELETE, "a.b.example.com", "/x", none).body()).isEqualTo("b");
    assertThat(send(HttpMethod.GET, "shop.example.com", "/x?beta=1",
        MultiMap.caseInsensitiveMultiMap().add("x-canary", "yes")).body()).isEqualTo("b");
    assertThat(send(HttpMethod.GET, "shop.example.com", "/x?beta=2",
        MultiMap.caseInsensitiveMultiMap().add("x-canary", "yes")).body()).isEqualTo("a");
    assertThat(send(HttpMethod.GET, "example.com", "/x", none).status()).isEqualTo(404);
  }

  @Test
  void headerModifiersChangeWhatUpstreamAndClientSee() {
    RouteFilters filters = new RouteFilters(
        new HeaderModifier(List.of(new Header("x-env", "prod")), List.of(new Header("x-tag", "gw")),
            List.of("x-secret")),
        new HeaderModifier(List.of(new Header("x-upstream", "hidden")), List.of(new Header("x-served-by", "archway")),
            List.of("x-internal")),
        null, null);
    gateway.apply(config(port, List.of(route("r/h", List.of(), List.of(MatchConfig.prefix("/")), filters, "svc/a")),
        List.of(service("svc/a", a.port()))));

    Reply reply = send(HttpMethod.GET, "example.com", "/", MultiMap.caseInsensitiveMultiMap()
        .add("x-env", "dev").add("x-tag", "client").add("x-secret", "s3cr3t"));
    assertThat(reply.status()).isEqualTo(200);
    MultiMap seen = a.received.peek().headers();
    assertThat(seen.getAll("x-env")).containsExactly("prod");
    assertThat(seen.getAll("x-tag")).containsExactly("client", "gw");
    assertThat(seen.contains("x-secret")).isFalse();
    assertThat(reply.headers().getAll("x-upstream")).containsExactly("hidden");
    assertThat(reply.headers().get("x-served-by")).isEqualTo("archway");
  }

  @Test
  void replacePrefixMatchRewritesOnSegmentBoundariesAndKeepsTheQuery() {
    gateway.apply(config(port, List.of(
            route("r/strip", List.of(), List.of(MatchConfig.prefix("/api")),
                new RouteFilters(null, null, new UrlRewrite(null, UrlRewrite.REPLACE_PREFIX, "/"), null), "svc/a"),
            route("r/v2", List.of(), List.of(MatchConfig.prefix("/old/")),
                new RouteFilters(null, null, new UrlRewrite("internal.svc", UrlRewrite.REPLACE_PREFIX, "/v2"), null),
                "svc/a")),
        List.of(service("svc/a", a.port()))));

    send(HttpMethod.GET, "example.com", "/api/x?q=1", MultiMap.caseInsensitiveMultiMap());
    send(HttpMethod.GET, "example.com", "/api", MultiMap.caseInsensitiveMultiMap());
    send(HttpMethod.GET, "example.com", "/old/items/7?page=2", MultiMap.caseInsensitiveMultiMap());
    assertThat(send(HttpMethod.GET, "example.com", "/apix", MultiMap.caseInsensitiveMultiMap()).status())
        .isEqualTo(404);
    List<TestUpstream.Received> received = List.copyOf(a.received);
    assertThat(received).extracting(TestUpstream.Received::uri).containsExactly("/x?q=1", "/", "/v2/items/7?page=2");
    assertThat(received.get(0).headers().get("host")).isEqualTo("example.com");
    assertThat(received.get(2).headers().get("host")).isEqualTo("internal.svc");
  }

  @Test
  void replaceFullPathSendsOnePath() {
    gateway.apply(config(port, List.of(
            route("r/full", List.of(), List.of(MatchConfig.prefix("/legacy")),
                new RouteFilters(null, null, new UrlRewrite(null, UrlRewrite.REPLACE_FULL, "/new/home"), null),
                "svc/a")),
        List.of(service("svc/a", a.port()))));
    send(HttpMethod.GET, "example.com", "/legacy/a/b?x=y", MultiMap.caseInsensitiveMultiMap());
    assertThat(a.received.peek().uri()).isEqualTo("/new/home?x=y");
  }

  @Test
  void directResponsesAnswerWithoutContactingAnUpstream() {
    gateway.apply(config(port, List.of(
            route("r/maintenance", List.of(), List.of(MatchConfig.prefix("/shop")),
                new RouteFilters(null, new HeaderModifier(List.of(new Header("retry-after", "120")), List.of(),
                    List.of()), null, new DirectResponse(503, "{\"down\":true}", "application/json")), null),
            route("r/empty", List.of(), List.of(MatchConfig.prefix("/gone")),
                new RouteFilters(null, null, null, new DirectResponse(410, null, null)), null),
            route("r/rest", List.of(), List.of("/"), "svc/a")),
        List.of(service("svc/a", a.port()))));

    Reply maintenance = send(HttpMethod.GET, "example.com", "/shop/cart", MultiMap.caseInsensitiveMultiMap());
    assertThat(maintenance.status()).isEqualTo(503);
    assertThat(maintenance.body()).isEqualTo("{\"down\":true}");
    assertThat(maintenance.headers().get("content-type")).isEqualTo("application/json");
    assertThat(maintenance.headers().get("retry-after")).isEqualTo("120");
    Reply gone = send(HttpMethod.GET, "example.com", "/gone", MultiMap.caseInsensitiveMultiMap());
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.body()).isEmpty();
    assertThat(gone.headers().get("content-type")).startsWith("text/plain");
    assertThat(a.count()).isZero();
    assertThat(gateway.registry.get("archway.requests").tags("route", "r/maintenance", "status", "5xx")
        .counter().count()).isEqualTo(1.0);
  }
}
