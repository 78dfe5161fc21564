package dev.archway.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.x request decoder of one client connection, in place of Vert.x's, with the checks
 * Netty and Vert.x leave open and the client timeouts they do not have:
 *
 * <ul>
 *   <li><b>Framing</b> (request smuggling): Content-Length together with Transfer-Encoding, a
 *       Transfer-Encoding whose last coding is not {@code chunked}, or one in an HTTP/1.0 request
 *       make the request invalid (400, connection closed). Netty 4.1 alone would drop the
 *       Content-Length and read the body chunked, or read no body at all behind {@code
 *       Transfer-Encoding: gzip}. Duplicate, differing and non-numeric Content-Length values
 *       Netty already refuses.
 *   <li><b>Body size</b>: a Content-Length over {@link ClientLimits#maxBodySize()} makes the
 *       request invalid (413, before any upstream is contacted, without a 100 Continue); a body
 *       that grows past it while streaming is cut off and the request's {@link ClientFault} told.
 *   <li><b>Timeouts</b>, one deadline per connection checked by one scheduled task: from a
 *       request's first byte to the end of its headers (then a raw 408 and close, since no request
 *       exists yet); the longest silence inside a body while the gateway is reading it (then the
 *       request's {@link ClientFault} with 408); a keep-alive connection without a request in
 *       progress (then close). While an answer is pending no client timeout runs: the upstream
 *       timeouts cover that wait.
 * </ul>
 *
 * <p>With h2c enabled Vert.x opens a connection only once its own decoder has handed out the
 * first request; the guard then takes over when that request is read, so the first request of
 * such a connection is checked by Netty and Vert.x alone.
 *
 * <p><b>Vert.x internals.</b> This is the one class that reaches into them, for want of a pipeline
 * hook in Vert.x 4: {@link ConnectionBase} for the Netty channel behind an {@link HttpConnection},
 * the pipeline names {@code httpDecoder}, {@code handler} and {@code h2c} of Vert.x 4's {@code
 * HttpServerWorker}, and {@link HeadersMultiMap}, the header map Vert.x's own decoder creates.
 * When those change, {@link #install} finds no decoder to replace and the connection runs
 * unguarded (the sizes of {@link ClientLimits#applyTo} still hold).
 */
final class ConnectionGuard extends HttpRequestDecoder {

  /** Told when the client of a request in progress broke a limit; answers (or resets) and closes. */
  @FunctionalInterface
  interface ClientFault {
    void clientFault(int status, String message);
  }

  /** A request whose framing is ambiguous: answered 400. */
  static final class AmbiguousFraming extends RuntimeException {
    AmbiguousFraming(String message) {
      super(message, null, false, false);
    }
  }

  /** A request announcing a body over the limit: answered 413. */
  static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private static final AttributeKey<ConnectionGuard> KEY = AttributeKey.valueOf("archway.connection-guard");
  private static final String DECODER = "httpDecoder";
  private static final String HANDLER = "handler";
  private static final String RESPONSES = "archway-responses";
  private static final String TAKE_OVER = "archway-take-over";
  private static final String H2C = "h2c";

  private enum Reading { NONE, HEADERS, BODY }

  private final ClientLimits limits;
  private final long headerNanos;
  private final long bodyNanos;
  private final long idleNanos;
  private final Context context;
  private final RequestMetrics metrics;
  private final boolean accessLog;
  private final Runnable check = this::check;

  private ChannelHandlerContext ctx;
  private boolean removed;
  private Reading reading = Reading.NONE;
  /** Requests decoded whose answer has not ended. */
  private int pending;
  private long decoded;
  private long attached;
  private HttpServerRequest current;
  private ClientFault fault;
  private long bodyBytes;
  private boolean discarding;
  private long headersStarted;
  /** System.nanoTime() of the running timeout; 0: none. */
  private long deadline;
  private ScheduledFuture<?> timer;
  private long timerAt;

  private ConnectionGuard(HttpDecoderConfig config, ClientLimits limits, Context context, RequestMetrics metrics,
      boolean accessLog) {
    super(config);
    this.limits = limits;
    this.headerNanos = limits.headerTimeout().toNanos();
    this.bodyNanos = limits.bodyTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
    this.context = context;
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /**
   * Puts a guard in place of Vert.x's decoder on a fresh HTTP/1.x connection; call from the
   * server's connection handler, on its event loop, before any request was decoded. Returns null
   * (connection unguarded) for HTTP/2 and when the pipeline is not the expected one.
   */
  static ConnectionGuard install(HttpConnection connection, HttpServerOptions options, ClientLimits limits,
      RequestMetrics metrics, boolean accessLog) {
    if (!(connection instanceof ConnectionBase base)) {
      return null;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    if (!(pipeline.get(DECODER) instanceof HttpRequestDecoder) || pipeline.get(HANDLER) == null) {
      return null;
    }
    ConnectionGuard guard = new ConnectionGuard(config(options), limits, Vertx.currentContext(), metrics, accessLog);
    if (pipeline.get(H2C) != null) {
      // h2c on: Vert.x opens the connection while its own decoder hands out the first request, so
      // the guard takes over once that request is read (Netty passes it the bytes left over)
      guard.decoded = 1;
      guard.pending = 1;
      guard.reading = Reading.BODY;
      pipeline.addAfter(DECODER, TAKE_OVER, guard.new TakeOver());
    } else {
      pipeline.replace(DECODER, DECODER, guard);
    }
    pipeline.addBefore(HANDLER, RESPONSES, guard.new ResponseWatcher());
    base.channel().attr(KEY).set(guard);
    return guard;
  }

  /** The guard of a connection, or null. */
  static ConnectionGuard of(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel().attr(KEY).get() : null;
  }

  /** The options Vert.x's own decoder takes from the server options, plus RFC 9112 framing rules. */
  private static HttpDecoderConfig config(HttpServerOptions options) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(options.getMaxInitialLineLength())
        .setMaxHeaderSize(options.getMaxHeaderSize())
        .setMaxChunkSize(options.getMaxChunkSize())
        .setInitialBufferSize(options.getDecoderInitialBufferSize())
        .setValidateHeaders(!io.vertx.core.http.HttpHeaders.DISABLE_HTTP_HEADERS_VALIDATION)
        .setUseRfc9112TransferEncoding(true);
  }

  /** The request Vert.x hands out next is {@code request}; called before routing, on the event loop. */
  void attach(HttpServerRequest request) {
    attached++;
    current = request;
    fault = null;
  }

  /** Who aborts the current request when its client breaks a limit (by default: close). */
  void onClientFault(ClientFault fault) {
    this.fault = fault;
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    return new DefaultHttpRequest(HttpVersion.valueOf(initialLine[2]), HttpMethod.valueOf(initialLine[0]),
        initialLine[1], HeadersMultiMap.httpHeaders());
  }

  /** Called by Netty once a request's headers are parsed, before it decides how to read the body. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    HttpHeaders headers = message.headers();
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        throw refuse(headers, new AmbiguousFraming("Content-Length together with Transfer-Encoding"));
      }
      if (!chunkedOnlyLast(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING))) {
        throw refuse(headers, new AmbiguousFraming("Transfer-Encoding other than chunked last"));
      }
    } else {
      String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
      // Netty has checked it is one non-negative number
      if (length != null && limits.bodyTooLarge(Long.parseLong(length.trim()))) {
        throw refuse(headers, new BodyTooLarge("request body larger than " + limits.maxBodySize() + " bytes"));
      }
    }
    return false;
  }

  /** No 100 Continue for a request about to be refused. */
  private static RuntimeException refuse(HttpHeaders headers, RuntimeException why) {
    headers.remove(HttpHeaderNames.EXPECT);
    return why;
  }

  /** RFC 9112 6.1: chunked must be the final coding of a request, and appear once. */
  static boolean chunkedOnlyLast(List<String> values) {
    String last = null;
    int chunked = 0;
    for (String value : values) {
      for (String coding : value.split(",")) {
        String trimmed = coding.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        last = trimmed;
        if (trimmed.equalsIgnoreCase("chunked")) {
          chunked++;
        }
      }
    }
    return chunked == 1 && "chunked".equalsIgnoreCase(last);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
    betweenRequests();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    removed = true;
    deadline = 0;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf)) {
      // decoded already, by the decoder this one took over from (pipelined requests)
      if (msg instanceof HttpRequest) {
        decoded++;
        pending++;
        reading = Reading.BODY;
      }
      if (msg instanceof LastHttpContent) {
        reading = Reading.NONE;
        betweenRequests();
      }
      ctx.fireChannelRead(msg);
      return;
    }
    if (reading == Reading.NONE) {
      reading = Reading.HEADERS;
      headersStarted = System.nanoTime();
      if (pending == 0) {
        arm(headerNanos);
      }
    } else if (reading == Reading.BODY) {
      arm(bodyNanos); // the body timeout is the longest silence, so each read starts it again
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int from = out.size();
    super.decode(ctx, in, out);
    for (int i = from; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof HttpRequest) {
        decoded++;
        pending++;
        bodyBytes = 0;
        reading = Reading.BODY;
        arm(bodyNanos);
      }
      if (message instanceof HttpContent content) {
        bodyBytes += content.content().readableBytes();
        if (limits.bodyTooLarge(bodyBytes)) {
          for (int j = out.size() - 1; j >= i; j--) {
            ReferenceCountUtil.release(out.remove(j));
          }
          in.skipBytes(in.readableBytes());
          abort(413, "request body larger than " + limits.maxBodySize() + " bytes");
          return;
        }
        if (message instanceof LastHttpContent) {
          reading = Reading.NONE;
          betweenRequests();
        }
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int from = out.size();
    super.decodeLast(ctx, in, out);
    // a client gone in the middle of its request headers: nobody to answer, no request to count
    for (int i = out.size() - 1; i >= from; i--) {
      if (out.get(i) instanceof HttpRequest request
          && request.decoderResult().cause() instanceof PrematureChannelClosureException) {
        ReferenceCountUtil.release(out.remove(i));
      }
    }
  }

  /** The request is read; what runs next depends on whether its answer is out. */
  private void betweenRequests() {
    if (pending > 0) {
      deadline = 0; // waiting for the answer: the upstream timeouts apply
    } else if (reading == Reading.HEADERS || internalBuffer().isReadable()) {
      reading = Reading.HEADERS; // part of the next request is here already
      headersStarted = System.nanoTime();
      arm(headerNanos);
    } else {
      arm(idleNanos);
    }
  }

  private void answerEnded() {
    if (removed) {
      return;
    }
    if (pending > 0) {
      pending--;
    }
    if (reading != Reading.BODY && !discarding) {
      betweenRequests();
    }
  }

  private void arm(long nanos) {
    if (nanos <= 0 || removed || ctx == null) {
      deadline = 0;
      return;
    }
    deadline = System.nanoTime() + nanos;
    if (timer == null || timerAt - deadline > 0) {
      if (timer != null) {
        timer.cancel(false);
      }
      timerAt = deadline;
      timer = ctx.executor().schedule(check, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    timer = null;
    if (removed || deadline == 0 || !ctx.channel().isActive()) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      timerAt = deadline;
      timer = ctx.executor().schedule(check, left, TimeUnit.NANOSECONDS);
      return;
    }
    deadline = 0;
    switch (reading) {
      case BODY:
        if (!ctx.channel().config().isAutoRead()) {
          arm(bodyNanos); // the gateway holds the body back (back pressure): not the client's delay
        } else {
          abort(408, "request body not received in time");
        }
        break;
      case HEADERS:
        if (pending == 0) {
          headersTimedOut();
        }
        break;
      default:
        if (pending == 0) {
          ctx.close(); // idle keep-alive connection
        }
    }
  }

  /** No request exists for Vert.x yet: the 408 is written here, then the connection closed. */
  private void headersTimedOut() {
    discarding = true;
    reading = Reading.NONE;
    String id = RequestId.generate();
    String body = "request headers not received in time\n";
    String reply = "HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: "
        + body.length() + "\r\nconnection: close\r\n" + RequestId.HEADER + ": " + id + "\r\n\r\n" + body;
    long nanos = System.nanoTime() - headersStarted;
    metrics.record(RequestMetrics.NO_ROUTE, 408);
    metrics.duration(RequestMetrics.NO_ROUTE, nanos);
    if (accessLog) {
      AccessLog.headerTimeout(client(ctx.channel().remoteAddress()), id,
          System.currentTimeMillis() - nanos / 1_000_000, nanos);
    }
    ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * The client of the request being read broke a limit: nothing more is read, and the request's
   * fault handler answers on the Vert.x context (or the connection is closed).
   */
  private void abort(int status, String message) {
    discarding = true;
    reading = Reading.NONE;
    deadline = 0;
    HttpServerRequest request = attached == decoded ? current : null;
    ClientFault handler = fault;
    ChannelHandlerContext channel = ctx;
    context.runOnContext(v -> {
      if (request == null) {
        channel.close();
      } else if (handler != null) {
        handler.clientFault(status, message);
      } else {
        replyAndClose(request, status, message);
      }
    });
  }

  /** Answers {@code status} unless the answer started, then closes the connection. */
  static void replyAndClose(HttpServerRequest request, int status, String message) {
    HttpServerResponse response = request.response();
    if (!response.headWritten() && !response.closed()) {
      response.setStatusCode(status)
          .putHeader("content-type", "text/plain; charset=utf-8")
          .putHeader("connection", "close")
          .end(message + "\n");
    }
    request.connection().close();
  }

  private static String client(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return address == null ? null : address.toString();
  }

  /** With h2c on: puts the guard in place of Vert.x's decoder once the first request is read. */
  private final class TakeOver extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean last = msg instanceof LastHttpContent;
      ctx.fireChannelRead(msg);
      if (last && !ctx.isRemoved()) {
        reading = Reading.NONE;
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(this);
        if (pipeline.get(DECODER) instanceof HttpRequestDecoder) {
          pipeline.replace(DECODER, DECODER, ConnectionGuard.this);
        }
      }
    }
  }

  /** Sees the end of each answer Vert.x writes (interim 1xx answers aside). */
  private final class ResponseWatcher extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof LastHttpContent
          && !(msg instanceof HttpResponse head && head.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
        answerEnded();
      }
      ctx.write(msg, promise);
    }
  }
}
