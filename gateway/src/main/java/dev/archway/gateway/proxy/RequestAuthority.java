package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * The host a client addressed: the {@code Host} header on HTTP/1.x, the {@code :authority}
 * pseudo-header on HTTP/2 (which Vert.x takes out of the header map; a {@code Host} header,
 * when an h2 client sends one too, must agree with it). Routing, {@code X-Forwarded-Host} and the
 * {@code Host} sent upstream all use this value.
 */
final class RequestAuthority {

  private RequestAuthority() {}

  /** {@code host} or {@code host:port} as the client sent it, or null when it sent none. */
  static String of(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2) {
      return request.getHeader(HttpHeaders.HOST);
    }
    HostAndPort authority = request.authority();
    return authority != null ? authority.toString() : request.getHeader(HttpHeaders.HOST);
  }
}
