package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.RouteFilters;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.function.Supplier;

/**
 * Routes each request with the route table live at its arrival, then answers it itself (no
 * route, direct response, no target) or hands it to a {@link ProxyExchange}, or to a
 * {@link WebSocketTunnel} when it asks for a WebSocket upgrade.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final Supplier<RouteTable> routes;
  private final UpstreamClients clients;
  private final ProxyOptions options;
  private final RequestMetrics metrics;
  private final InFlight inFlight;
  private final OpenTunnels tunnels;

  ProxyHandler(
      Vertx vertx,
      Supplier<RouteTable> routes,
      UpstreamClients clients,
      ProxyOptions options,
      RequestMetrics metrics,
      InFlight inFlight,
      OpenTunnels tunnels) {
    this.vertx = vertx;
    this.routes = routes;
    this.clients = clients;
    this.options = options;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.tunnels = tunnels;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    // read once: a config swapped while this request is in flight does not touch it
    RouteTable table = routes.get();
    if (table == null) {
      timed(request, RequestMetrics.NO_ROUTE, arrived);
      GatewayReply.send(request, 503, "no routing config applied yet", RequestMetrics.NO_ROUTE, metrics);
      return;
    }
    RouteMatch match = table.match(new ServerRequestFacts(request));
    if (match == null) {
      timed(request, RequestMetrics.NO_ROUTE, arrived);
      GatewayReply.send(request, 404, "no route for this host and path", RequestMetrics.NO_ROUTE, metrics);
      return;
    }
    Route route = match.route();
    timed(request, route.name(), arrived);
    if (options.fault().abort()) {
      GatewayReply.send(request, options.fault().abortStatus(), "fault injected (archway.fault.abort-percent)",
          route.name(), metrics);
      return;
    }
    RouteFilters.DirectResponse direct = route.directResponse();
    if (direct != null) {
      answerDirectly(request, route, direct);
      return;
    }
    Upstream upstream = route.pickBackend();
    if (upstream == null) {
      GatewayReply.send(request, 503, "route " + route.name() + " has no backend with weight above 0",
          route.name(), metrics);
      return;
    }
    if (!upstream.hasTargets()) {
      GatewayReply.send(request, 503, "service " + upstream.service() + " has no targets", route.name(), metrics);
      return;
    }
    if (WebSocketTunnel.isUpgrade(request)) {
      new WebSocketTunnel(vertx, request, match, upstream, clients.forUpgrades(), options, metrics, inFlight, tunnels)
          .start();
      return;
    }
    new ProxyExchange(vertx, request, match, upstream,
        clients.forKeepAlive(upstream.keepAliveTimeout(options.keepAliveTimeout())), options, metrics, inFlight)
        .start();
  }

  private void timed(HttpServerRequest request, String route, long arrived) {
    request.response().bodyEndHandler(done -> metrics.duration(route, System.nanoTime() - arrived));
  }

  private void answerDirectly(HttpServerRequest request, Route route, RouteFilters.DirectResponse direct) {
    HttpServerResponse response = request.response();
    response.setStatusCode(direct.status());
    response.putHeader("content-type", direct.contentType() == null ? "text/plain; charset=utf-8" : direct.contentType());
    HeaderFilter.apply(route.filters().responseHeaders(), response.headers());
    if (request.version() == HttpVersion.HTTP_2) {
      HopByHopHeaders.dropForHttp2(response.headers());
    }
    metrics.record(route.name(), direct.status());
    response.end(direct.body() == null ? "" : direct.body());
  }
}
