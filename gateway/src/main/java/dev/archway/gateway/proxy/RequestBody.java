package dev.archway.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
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
  private final Vertx vertx;
  private long received;
  /** HTTP/2 body silence: when data last came, whether it is held back on purpose, the check. */
  private long lastData;
  private boolean heldBack;
  private long stallTimer = -1;
  private boolean bodyDone;
  private boolean started;
  private boolean endedEmpty;
  private boolean wrote;

  RequestBody(Vertx vertx, HttpServerRequest request, ClientLimits limits, ClientFault fault) {
    this.vertx = vertx;
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
      watchForStalls();
    }
    request.handler(data -> {
      if (http2) {
        lastData = System.nanoTime();
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
        heldBack = true; // the upstream is slower: the client's silence is ours, not its own
        sending.onDrain(() -> {
          heldBack = false;
          lastData = System.nanoTime();
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

  /**
   * An HTTP/2 client that stops sending its body midway for longer than the body timeout gets 408
   * (or its stream reset once the answer started), like an HTTP/1.x client does from the decoder.
   */
  private void watchForStalls() {
    long timeout = limits.bodyTimeout().toMillis();
    if (timeout <= 0) {
      return;
    }
    lastData = System.nanoTime();
    stallTimer = vertx.setTimer(timeout, id -> checkStall(timeout));
  }

  private void checkStall(long timeoutMillis) {
    stallTimer = -1;
    if (bodyDone) {
      return;
    }
    long quietMillis = (System.nanoTime() - lastData) / 1_000_000;
    if (!heldBack && quietMillis >= timeoutMillis) {
      bodyDone();
      fault.clientFault(408, "request body not received in time");
      return;
    }
    long next = heldBack ? timeoutMillis : Math.max(1, timeoutMillis - quietMillis);
    stallTimer = vertx.setTimer(next, id -> checkStall(timeoutMillis));
  }

  /** The body ended, failed or was refused: no more stall checks. */
  private void bodyDone() {
    bodyDone = true;
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }
}
