package dev.archway.gateway.proxy;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request the decoder refused (Vert.x's invalid request handler): 414 for a request line
 * over the limit, 431 for headers over it, 413 for an announced body over it, else 400; always
 * with {@code Connection: close} (Vert.x closes the connection after it), an {@code X-Request-Id},
 * counted under the route {@code none} and logged like any answer. The body names the problem in
 * fixed words, never echoing what the client sent.
 */
final class InvalidRequestReply implements Handler<HttpServerRequest> {

  private final RequestMetrics metrics;
  private final boolean accessLog;

  InvalidRequestReply(RequestMetrics metrics, boolean accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    ConnectionGuard guard = ConnectionGuard.of(request.connection());
    if (guard != null) {
      guard.attach(request);
    }
    String requestId = RequestId.apply(request);
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line longer than the limit";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers larger than the limit";
    } else if (cause instanceof ConnectionGuard.BodyTooLarge) {
      status = 413;
      message = cause.getMessage();
    } else {
      status = 400;
      message = "malformed request: " + describe(cause);
    }
    HttpServerResponse response = request.response();
    AccessLog.Entry entry = accessLog ? new AccessLog.Entry(requestId, arrived) : null;
    response.bodyEndHandler(done -> {
      metrics.duration(RequestMetrics.NO_ROUTE, System.nanoTime() - arrived);
      if (entry != null) {
        AccessLog.answered(request, entry);
      }
    });
    metrics.record(RequestMetrics.NO_ROUTE, status);
    response.setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader("connection", "close")
        .end(message + "\n");
    response.close();
  }

  /** The decoder's reason in words of our own. */
  static String describe(Throwable cause) {
    if (cause instanceof ConnectionGuard.AmbiguousFraming) {
      return cause.getMessage();
    }
    String text = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    String kind = cause == null ? "" : cause.getClass().getSimpleName();
    if (kind.equals("ContentLengthNotAllowedException")) {
      return "Content-Length together with Transfer-Encoding";
    }
    if (kind.equals("TransferEncodingNotAllowedException")) {
      return "Transfer-Encoding in an HTTP/1.0 request";
    }
    if (text.startsWith("Multiple Content-Length")) {
      return "more than one Content-Length";
    }
    if (text.contains("Content-Length") || cause instanceof NumberFormatException) {
      return "invalid Content-Length";
    }
    if (text.contains("chunked must be the last")) {
      return "Transfer-Encoding other than chunked last";
    }
    return "cannot be parsed";
  }
}
