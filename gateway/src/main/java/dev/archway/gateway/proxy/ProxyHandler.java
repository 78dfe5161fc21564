package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.routing.Target;
import dev.archway.gateway.routing.Upstream;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/** Routes each request with the route table live at its arrival and hands it to a {@link ProxyExchange}. */
final class ProxyHandler implements Handler<HttpServerRequest> {

  private final Supplier<RouteTable> routes;
  private final HttpClient client;
  private final ProxyOptions options;
  private final RequestMetrics metrics;
  private final InFlight inFlight;

  ProxyHandler(
      Supplier<RouteTable> routes,
      HttpClient client,
      ProxyOptions options,
      RequestMetrics metrics,
      InFlight inFlight) {
    this.routes = routes;
    this.client = client;
    this.options = options;
    this.metrics = metrics;
    this.inFlight = inFlight;
  }

  @Override
  public void handle(HttpServerRequest request) {
    // read once: a config swapped while this request is in flight does not touch it
    RouteTable table = routes.get();
    if (table == null) {
      GatewayReply.send(request, 503, "no routing config applied yet", RequestMetrics.NO_ROUTE, metrics);
      return;
    }
    Route route = table.match(request.getHeader("host"), request.path());
    if (route == null) {
      GatewayReply.send(request, 404, "no route for this host and path", RequestMetrics.NO_ROUTE, metrics);
      return;
    }
    Upstream upstream = route.pickBackend();
    if (upstream == null) {
      GatewayReply.send(request, 503, "route " + route.name() + " has no backend with weight above 0",
          route.name(), metrics);
      return;
    }
    Target target = upstream.nextTarget();
    if (target == null) {
      GatewayReply.send(request, 503, "service " + upstream.service() + " has no targets",
          route.name(), metrics);
      return;
    }
    new ProxyExchange(request, route.name(), upstream.service(), target, client, options, metrics, inFlight)
        .start();
  }
}
