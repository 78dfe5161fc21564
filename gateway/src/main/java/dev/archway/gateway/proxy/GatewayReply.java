package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteMeters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** A short plain-text answer the gateway gives itself (404, 502, 503, 504). */
final class GatewayReply {

  private GatewayReply() {}

  /** Answers {@code status} unless an answer already went out (then resets it), counted in {@code meters}. */
  static void send(HttpServerRequest request, int status, String message, RouteMeters meters) {
    if (sendable(request)) {
      meters.answered(status);
      end(request, status, message);
    }
  }

  private static boolean sendable(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return false;
    }
    if (response.headWritten()) {
      response.reset(); // part of an upstream answer is out: closing is the only honest signal left
      return false;
    }
    return true;
  }

  private static void end(HttpServerRequest request, int status, String message) {
    request.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8")
        .end(message + "\n");
  }
}
