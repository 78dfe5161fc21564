package dev.archway.gateway.proxy;

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

  /** Told when an HTTP/2 body goes past the size limit (HTTP/1.x bodies are held to it by the decoder). */
  interface TooLarge {
    void clientFault(int status, String message);
  }

  private final HttpServerRequest request;
  private final ClientLimits limits;
  private final TooLarge tooLarge;
  private long received;
  private boolean started;
  private boolean endedEmpty;
  private boolean wrote;

  RequestBody(HttpServerRequest request, ClientLimits limits, TooLarge tooLarge) {
    this.request = request;
    this.limits = limits;
    this.tooLarge = tooLarge;
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
    request.handler(data -> {
      if (http2) {
        received += data.length();
        if (limits.bodyTooLarge(received)) {
          // nothing of it goes on: the try is dropped, the stream answered 413 or reset
          tooLarge.clientFault(413, "request body larger than " + limits.maxBodySize() + " bytes");
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
        sending.onDrain(request::resume);
      }
    });
    request.exceptionHandler(broken -> sending.reset());
    request.endHandler(ended -> {
      endedEmpty = onFirstBytes && !wrote;
      sending.end();
    });
    request.resume();
  }
}
