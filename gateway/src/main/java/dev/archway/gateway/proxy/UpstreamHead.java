package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.model.RouteFilters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/** The head of a request sent upstream for a client request: proxied exchanges and WebSocket handshakes alike. */
final class UpstreamHead {

  private UpstreamHead() {}

  /**
   * Writes the headers straight into the upstream request (no intermediate map copied again by
   * the client): end-to-end headers, forwarded headers, the rule's header filter, host rewrite.
   */
  static void writeHeaders(HttpServerRequest request, Route route, MultiMap headers) {
    HopByHopHeaders.copyEndToEnd(request.headers(), headers);
    headers.remove(HttpHeaders.EXPECT);
    if (request.version() == HttpVersion.HTTP_2) {
      Http2Cookies.join(headers);
    }
    ForwardedHeaders.add(request, headers);
    RouteFilters filters = route.filters();
    if (filters != null) {
      HeaderFilter.apply(filters.requestHeaders(), headers);
      String hostname = hostRewrite(filters);
      if (hostname != null) {
        headers.set(HttpHeaders.HOST, hostname);
      }
    }
  }

  /** The authority sent upstream: the rule's hostname rewrite, else the client's; null: none. */
  static HostAndPort authority(HttpServerRequest request, Route route) {
    String host = authorityText(request, route);
    return host == null ? null : HostAndPort.parseAuthority(host, -1);
  }

  /** {@link #authority} as the {@code Host} header's value. */
  static String authorityText(HttpServerRequest request, Route route) {
    String host = route.filters() == null ? null : hostRewrite(route.filters());
    return host != null ? host : RequestAuthority.of(request);
  }

  private static String hostRewrite(RouteFilters filters) {
    RouteFilters.UrlRewrite rewrite = filters.urlRewrite();
    return rewrite == null ? null : rewrite.hostname();
  }
}
