package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RequestFacts;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/** Routing's view of a live request; query parameters are decoded only when a rule asks. */
final class ServerRequestFacts implements RequestFacts {

  private final HttpServerRequest request;

  ServerRequestFacts(HttpServerRequest request) {
    this.request = request;
  }

  @Override
  public String host() {
    return RequestAuthority.of(request);
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public String queryParam(String name) {
    return request.query() == null ? null : request.getParam(name);
  }
}
