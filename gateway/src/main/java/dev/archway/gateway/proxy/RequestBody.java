package dev.archway.gateway.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.WriteStream;
import java.util.Locale;

/**
 * A client's request body streamed into upstream tries, never buffered. Upstream framing follows
 * the client's: a Content-Length is kept, chunked stays chunked. An HTTP/2 client need not say
 * either (its DATA frames end with END_STREAM), so a body of unknown length goes upstream chunked
 * once its first bytes arrive, and a stream that ends without any (a GET) goes without a body.
 */
final class RequestBody {

  private final HttpServerRequest request;
  private boolean started;
  private boolean endedEmpty;

  RequestBody(HttpServerRequest request) {
    this.request = request;
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

  /** Streams the body into {@code sending} with back pressure and ends it; resets it on failure. */
  void sendTo(HttpClientRequest sending) {
    if (endedEmpty) {
      sending.end();
      return;
    }
    started = true;
    boolean lengthKnown = request.headers().contains(HttpHeaders.CONTENT_LENGTH);
    WriteStream<Buffer> to = sending;
    if (!lengthKnown) {
      if (request.version() == HttpVersion.HTTP_2) {
        to = new ChunkedOnFirstWrite(sending);
      } else {
        sending.setChunked(true);
      }
    }
    request.pipe().endOnFailure(false).to(to).onFailure(broken -> sending.reset());
  }

  /** Decides the framing of a body of unknown length when its first bytes, or its end, arrive. */
  private final class ChunkedOnFirstWrite implements WriteStream<Buffer> {

    private final HttpClientRequest sending;
    private boolean wrote;

    ChunkedOnFirstWrite(HttpClientRequest sending) {
      this.sending = sending;
    }

    @Override
    public Future<Void> write(Buffer data) {
      if (data.length() == 0) {
        return Future.succeededFuture(); // e.g. the end of a request upgraded to h2c: no body yet
      }
      chunked();
      return sending.write(data);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
      Future<Void> written = write(data);
      if (handler != null) {
        written.onComplete(handler);
      }
    }

    private void chunked() {
      if (!wrote) {
        wrote = true;
        sending.setChunked(true);
      }
    }

    @Override
    public Future<Void> end() {
      endedEmpty = !wrote;
      return sending.end();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
      endedEmpty = !wrote;
      sending.end(handler);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      sending.exceptionHandler(handler);
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      sending.setWriteQueueMaxSize(maxSize);
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return sending.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      sending.drainHandler(handler);
      return this;
    }
  }
}
