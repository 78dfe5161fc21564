package dev.archway.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * X-Forwarded-For gets the client's address appended; X-Forwarded-Proto and X-Forwarded-Host
 * are set unless a load balancer in front already set them.
 */
final class ForwardedHeaders {

  static final String FOR = "x-forwarded-for";
  static final String PROTO = "x-forwarded-proto";
  static final String HOST = "x-forwarded-host";

  private ForwardedHeaders() {}

  static void add(HttpServerRequest request, MultiMap headers) {
    SocketAddress remote = request.remoteAddress();
    String client = remote == null ? null : remote.hostAddress();
    if (client != null) {
      if (!headers.contains(FOR)) {
        headers.set(FOR, client); // the usual case: no list made
      } else {
        List<String> prior = headers.getAll(FOR);
        headers.set(FOR, String.join(", ", prior) + ", " + client);
      }
    }
    if (!headers.contains(PROTO)) {
      headers.set(PROTO, request.scheme() == null ? "http" : request.scheme());
    }
    String host = RequestAuthority.of(request);
    if (host != null && !headers.contains(HOST)) {
      headers.set(HOST, host);
    }
  }
}
