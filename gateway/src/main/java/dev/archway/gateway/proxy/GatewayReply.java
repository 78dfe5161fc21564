package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** A short plain-text answer the gateway gives itself (404, 502, 503, 504). */
final class GatewayReply {

  private GatewayReply() {}

  static void send(HttpServerRequest request, int status, String message, String route, RequestMetrics metrics) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset(); // part of an upstream answer is out: closing is the only honest signal left
      return;
    }
    metrics.record(route, status);
    response.setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8");
    response.end(message + "\n");
  }
}
