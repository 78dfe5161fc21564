package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.routing.RouteMeters;
import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.RouteFilters;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
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
  private final InFlight inFlight;
  private final RouteMeters noRoute;
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
    this.inFlight = inFlight;
    this.noRoute = metrics.route(RequestMetrics.NO_ROUTE);
    this.tunnels = tunnels;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    String requestId = RequestId.apply(request);
    AccessLog.Entry logged = options.accessLog() ? new AccessLog.Entry(requestId, arrived) : null;
    ConnectionGuard guard = ConnectionGuard.of(request.connection());
    if (guard != null) {
      guard.attach(request);
    } else if (announcesTooLarge(request)) {
      // HTTP/1.x bodies announced too large are refused by the decoder; this catches HTTP/2 ones
      timed(request, noRoute, null, arrived, logged);
      noRoute.answered(413);
      ConnectionGuard.replyAndClose(request, 413, "request body larger than " + options.limits().maxBodySize()
          + " bytes");
      return;
    }
    // read once: a config swapped while this request is in flight does not touch it
    RouteTable table = routes.get();
    if (table == null) {
      timed(request, noRoute, null, arrived, logged);
      GatewayReply.send(request, 503, "no routing config applied yet", noRoute);
      return;
    }
    RouteMatch match = table.match(new ServerRequestFacts(request));
    if (match == null) {
      timed(request, noRoute, null, arrived, logged);
      GatewayReply.send(request, 404, "no route for this host and path", noRoute);
      return;
    }
    Route route = match.route();
    RouteMeters meters = route.meters();
    timed(request, meters, route.name(), arrived, logged);
    if (options.fault().abort()) {
      GatewayReply.send(request, options.fault().abortStatus(), "fault injected (archway.fault.abort-percent)",
          meters);
      return;
    }
    RouteFilters.DirectResponse direct = route.directResponse();
    if (direct != null) {
      answerDirectly(request, route, direct);
      return;
    }
    Upstream upstream = route.pickBackend();
    if (upstream == null) {
      GatewayReply.send(request, 503, "route " + route.name() + " has no backend with weight above 0", meters);
      return;
    }
    if (!upstream.hasTargets()) {
      GatewayReply.send(request, 503, "service " + upstream.service() + " has no targets", meters);
      return;
    }
    if (WebSocketTunnel.isUpgrade(request)) {
      new WebSocketTunnel(vertx, request, match, upstream, clients.forUpgrades(), options, inFlight, tunnels)
          .start();
      return;
    }
    ProxyExchange exchange = new ProxyExchange(vertx, request, match, upstream, clients.exchanges(), options,
        inFlight);
    if (guard != null) {
      guard.onClientFault(exchange::clientFault);
    }
    if (logged != null) {
      logged.service = upstream.service();
      logged.exchange = exchange;
    }
    exchange.start();
  }

  /**
   * Records the answer's duration (and its access-log line) when its last byte is written. Once
   * shutdown began, the answer also carries {@code Connection: close} and its connection is closed
   * after it (a FIN once the answer is flushed), so clients reconnect to a gateway that stays.
   *
   * @param route the route's name for the access log; null: no route
   */
  private void timed(HttpServerRequest request, RouteMeters meters, String route, long arrived, AccessLog.Entry logged) {
    HttpServerResponse response = request.response();
    boolean closing = inFlight.closing();
    if (closing) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    if (logged != null) {
      logged.route = route;
    }
    response.bodyEndHandler(done -> {
      meters.duration(System.nanoTime() - arrived);
      if (logged != null) {
        AccessLog.answered(request, logged);
      }
      if (closing) {
        request.connection().close();
      }
    });
  }

  private boolean announcesTooLarge(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || options.limits().maxBodySize() == 0) {
      return false;
    }
    try {
      return options.limits().bodyTooLarge(Long.parseLong(length.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void answerDirectly(HttpServerRequest request, Route route, RouteFilters.DirectResponse direct) {
    HttpServerResponse response = request.response();
    response.setStatusCode(direct.status());
    response.putHeader("content-type", direct.contentType() == null ? "text/plain; charset=utf-8" : direct.contentType());
    HeaderFilter.apply(route.filters().responseHeaders(), response.headers());
    if (request.version() == HttpVersion.HTTP_2) {
      HopByHopHeaders.dropForHttp2(response.headers());
    }
    route.meters().answered(direct.status());
    response.end(direct.body() == null ? "" : direct.body());
  }
}
