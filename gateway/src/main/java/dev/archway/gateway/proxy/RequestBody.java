package dev.archway.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Locale;

/**
 * A client's request body streamed into upstream tries, never buffered. Upstream framing follows
 * the client's: a Content-Length is kept, chunked stays chunked. An HTTP/2 client need not say
 * either (its DATA frames end with END_STREAM), so a body of unknown length goes upstream chunked
 * once its first bytes arrive, and a stream that ends without any (a GET) goes without a body.
 */
final class RequestBody {

  /**
   * Told when an HTTP/2 body goes past the size limit or stalls (HTTP/1.x bodies are held to the
   * limits by the connection's decoder, {@link ConnectionGuard}).
   */
  interface ClientFault {
    void clientFault(int status, String message);
  }

  private final HttpServerRequest request;
  private final ClientLimits limits;
  private final ClientFault fault;
  private final EventExecutor loop;
  private long received;
  /** HTTP/2 only: a body silent past the body timeout; null until the body is read. */
  private SilenceTimer stall;
  private boolean started;
  private boolean endedEmpty;
  private boolean wrote;

  /** @param loop the request's event loop */
  RequestBody(EventExecutor loop, HttpServerRequest request, ClientLimits limits, ClientFault fault) {
    this.loop = loop;
    this.request = request;
    this.limits = limits;
    this.fault = fault;
  }

  /**
   * Whether the request may carry a body: then it is paused until a try can take it. Always true
   * for an HTTP/2 request without Content-Length: whether DATA follows is not known yet.
   */
  static boolean mayHave(HttpServerRequest request) {
    MultiMap headers = request.headers();
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.trim().equals("0");
    }
    if (request.version() == HttpVersion.HTTP_2) {
      return !request.isEnded();
    }
    for (String value : headers.getAll(HttpHeaders.TRANSFER_ENCODING)) {
      if (value.toLowerCase(Locale.ROOT).contains("chunked")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether another try can carry the body again: none of it was read yet, or it turned out to be
   * empty.
   */
  boolean replayable() {
    return !started || endedEmpty;
  }

  /**
   * Streams the body into {@code sending} with back pressure and ends it; resets it when the
   * client's stream fails.
   */
  void sendTo(UpstreamConnection.Body sending) {
    if (endedEmpty) {
      sending.end();
      return;
    }
    started = true;
    boolean lengthKnown = request.headers().contains(HttpHeaders.CONTENT_LENGTH);
    // an HTTP/2 body of unknown length: chunked once its first bytes arrive, none if it ends first
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    boolean onFirstBytes = !lengthKnown && http2;
    if (!lengthKnown && !onFirstBytes) {
      sending.chunked();
    }
    if (http2) {
      // an HTTP/2 client that stops sending its body midway gets 408 (or its stream reset once the
      // answer started), as an HTTP/1.x client does from its connection's decoder
      stall = new SilenceTimer(loop, () -> fault.clientFault(408, "request body not received in time"));
      stall.start(limits.bodyTimeout().toNanos());
    }
    request.handler(data -> {
      if (http2) {
        stall.touch();
        received += data.length();
        if (limits.bodyTooLarge(received)) {
          // nothing of it goes on: the try is dropped, the stream answered 413 or reset
          bodyDone();
          fault.clientFault(413, "request body larger than " + limits.maxBodySize() + " bytes");
          return;
        }
      }
      if (onFirstBytes && !wrote) {
        if (data.length() == 0) {
          return; // e.g. the end of a request upgraded to h2c: no body yet
        }
        wrote = true;
        sending.chunked();
      }
      if (!sending.write(data)) {
        request.pause();
        if (http2) {
          stall.hold(true); // the upstream is slower: the client's silence is ours, not its own
        }
        sending.onDrain(() -> {
          if (http2) {
            stall.hold(false);
          }
          request.resume();
        });
      }
    });
    request.exceptionHandler(broken -> {
      bodyDone();
      sending.reset();
    });
    request.endHandler(ended -> {
      bodyDone();
      endedEmpty = onFirstBytes && !wrote;
      sending.end();
    });
    request.resume();
  }

  /** The body ended, failed or was refused: no more stall checks. */
  private void bodyDone() {
    if (stall != null) {
      stall.stop();
    }
  }
}
