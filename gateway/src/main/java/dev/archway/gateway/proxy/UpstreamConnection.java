package dev.archway.gateway.proxy;

import dev.archway.gateway.upstream.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection to an upstream target on a plain Netty channel of the event
 * loop that owns its {@link UpstreamPool}: one exchange at a time, no futures, no thread hops.
 * Vert.x's HttpClient did the same job with a pool, futures and header maps per request that
 * cost a third of the gateway's CPU time per request.
 *
 * <p>The answer is reported to the {@link Exchange} using the connection as it is decoded; once
 * both the request and the answer are complete the connection goes back to its pool, unless the
 * upstream asked to close it.
 */
final class UpstreamConnection extends ChannelDuplexHandler {

  /** What the exchange on a connection hears from it; all calls on the connection's event loop. */
  interface Exchange {

    /** The answer's status line and headers (informational 1xx answers are skipped). */
    void head(HttpResponse head);

    /** Part of the answer's body; valid only during the call. */
    void content(ByteBuf content);

    /**
     * The answer is complete.
     *
     * @param last the body's last part when it came with the end (valid only during the call), else null
     */
    void end(ByteBuf last);

    /**
     * The exchange broke: the connection closed, reset, timed out or sent garbage.
     *
     * @param answerStarted whether the answer's head had arrived
     */
    void failed(Throwable cause, boolean answerStarted);
  }

  /** The request body's way to the upstream: written as the client's body arrives. */
  interface Body {

    /** Streams the body as chunks: its length is not known (set before the first write). */
    void chunked();

    /** Writes a part of the body; returns false when the connection's write buffer is full. */
    boolean write(Buffer data);

    /** The body is complete. */
    void end();

    /** {@code handler} runs once when the write buffer has room again. */
    void onDrain(Runnable handler);

    /** The body cannot be completed: the exchange is over, the connection closed. */
    void reset();
  }

  /**
   * The connection closed or was reset under an exchange (not a timeout, not a malformed answer):
   * before any of the answer arrived, on a kept-alive connection, the upstream most likely never
   * saw the request.
   */
  static final class Closed extends IOException {

    Closed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Answers whose head or line is larger than this fail the try (what Vert.x's client allowed). */
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_SIZE = 8192;
  private static final int MAX_CHUNK_SIZE = 8192;

  private final UpstreamPool pool;
  private final Target target;
  private Channel channel;
  private Exchange exchange;
  /** Exchanges completed on this connection: a connection that served one may be closing. */
  private int served;
  private HttpMethod method;
  private boolean requestEnded;
  private boolean answerStarted;
  private boolean informational;
  private boolean reusable;
  private long keepAliveMillis;
  /** The exchange fails when the upstream stays silent this long (reads and body writes count). */
  private SilenceTimer idle;
  private Runnable drained;
  /** When this connection, idle in its pool, is closed. */
  long keepAliveDeadline;

  UpstreamConnection(UpstreamPool pool, Target target) {
    this.pool = pool;
    this.target = target;
  }

  Target target() {
    return target;
  }

  /** Whether an earlier exchange completed on this connection (the upstream may have closed it since). */
  boolean reused() {
    return served > 0;
  }

  boolean isActive() {
    return channel != null && channel.isActive();
  }

  /** Decoder and encoder in front of this handler. */
  void initialize(Channel channel) {
    this.channel = channel;
    this.idle = new SilenceTimer(channel.eventLoop(), () -> fail(new TimeoutException("upstream " + target
        + " sent nothing for " + idle.timeoutMillis() + " ms")));
    channel.pipeline().addLast("decoder", new ResponseDecoder());
    channel.pipeline().addLast("encoder", new RequestEncoder());
    channel.pipeline().addLast("upstream", this);
  }

  /**
   * Starts an exchange: a request without body goes out at once; one with a body goes out with
   * its first bytes, through the returned {@link Body}.
   *
   * @param headers the request's headers, {@code Host} included
   * @param idleTimeoutMillis the exchange fails when neither side moves for this long; 0: never
   * @param keepAliveMillis afterwards, the connection is kept idle in its pool this long
   * @return the body's way upstream, or null for a request without body
   */
  Body send(Exchange to, HttpMethod method, String uri, HeadersMultiMap headers, boolean hasBody,
      long idleTimeoutMillis, long keepAliveMillis) {
    this.exchange = to;
    this.keepAliveMillis = keepAliveMillis;
    this.method = method;
    requestEnded = !hasBody;
    answerStarted = false;
    informational = false;
    reusable = true;
    drained = null;
    idle.start(TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis));
    if (!hasBody) {
      channel.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER,
          headers, EmptyHttpHeaders.INSTANCE), channel.voidPromise());
      return null;
    }
    return new OutgoingBody(to, new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri, headers));
  }

  /** Stops reading the answer (the client is slower than the upstream). */
  void pauseReading() {
    channel.config().setAutoRead(false);
  }

  void resumeReading() {
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  /**
   * Ends the exchange early: the connection is closed (what is left of the answer can't be told
   * apart from the next one) and the exchange hears nothing more.
   */
  void abort() {
    detach();
    channel.close();
  }

  /** Closes a connection idle in its pool. */
  void close() {
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.touch();
    if (msg instanceof HttpResponse) {
      HttpResponse head = (HttpResponse) msg;
      if (exchange == null || answerStarted) {
        unexpected(ctx, msg);
        return;
      }
      if (head.decoderResult().isFailure()) {
        fail(new IOException("upstream " + target + " sent an invalid answer: " + head.decoderResult().cause()
            .getMessage()));
        return;
      }
      int status = head.status().code();
      if (status == 101) {
        // nobody asked to switch protocols (WebSocket handshakes take another way): what follows is not HTTP
        fail(new IOException("upstream " + target + " switched protocols unasked (101)"));
        return;
      }
      if (status < 200) {
        informational = true; // 100 Continue, 103 Early Hints: the real answer follows
        return;
      }
      answerStarted = true;
      reusable = HttpUtil.isKeepAlive(head);
      exchange.head(head);
    }
    if (!(msg instanceof HttpContent)) {
      if (!(msg instanceof HttpResponse)) {
        unexpected(ctx, msg);
      }
      return;
    }
    HttpContent content = (HttpContent) msg;
    try {
      if (informational) {
        informational = !(content instanceof LastHttpContent);
        return;
      }
      if (exchange == null || !answerStarted) {
        unexpected(ctx, null);
        return;
      }
      if (content.decoderResult().isFailure()) {
        fail(new IOException("upstream " + target + " sent an invalid body: "
            + content.decoderResult().cause().getMessage()));
        return;
      }
      boolean last = content instanceof LastHttpContent;
      ByteBuf bytes = content.content();
      if (last) {
        answerEnded(bytes.isReadable() ? bytes : null); // one write for a small answer's body and its end
      } else if (bytes.isReadable()) {
        exchange.content(bytes);
      }
    } finally {
      content.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && drained != null) {
      Runnable run = drained;
      drained = null;
      run.run();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pool.closed(this);
    if (exchange != null) {
      fail(new Closed("upstream " + target + " closed the connection"
          + (answerStarted ? " during the answer" : " before answering"), null));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (exchange != null) {
      // socket errors (reset by peer, broken pipe) are the connection closing under the exchange
      fail(cause instanceof IOException ? new Closed("upstream " + target + ": " + cause.getMessage(), cause) : cause);
    } else {
      ctx.close();
    }
  }

  private void unexpected(ChannelHandlerContext ctx, Object msg) {
    io.netty.util.ReferenceCountUtil.release(msg);
    if (exchange != null) {
      fail(new IOException("upstream " + target + " sent an answer out of turn"));
    } else {
      ctx.close(); // bytes nobody asked for: the connection's framing can't be trusted
    }
  }

  private void answerEnded(ByteBuf last) {
    Exchange done = exchange;
    if (requestEnded) {
      completed();
    } else {
      // the upstream answered before the request's body was all sent: what is still to come of it
      // would be read as the next request, so the connection ends with this exchange
      abort();
    }
    done.end(last);
  }

  /** Request and answer are both complete: the connection goes back to its pool, or closes. */
  private void completed() {
    detach();
    if (reusable && channel.isActive()) {
      served++;
      resumeReading(); // the client of this exchange may have been slower than the upstream
      pool.release(this, keepAliveMillis);
    } else {
      channel.close();
    }
  }

  private void detach() {
    exchange = null;
    Runnable held = drained;
    drained = null;
    idle.stop();
    if (held != null) {
      held.run(); // a client body held back for this exchange reads on; the rest of it is dropped
    }
  }

  private void fail(Throwable cause) {
    Exchange broken = exchange;
    boolean started = answerStarted;
    detach();
    channel.close();
    if (broken != null) {
      broken.failed(cause, started);
    }
  }

  /**
   * A request body on its way upstream; inert once its exchange is over (an answer that ends first
   * closes the connection, see {@link #answerEnded}).
   */
  private final class OutgoingBody implements Body {

    private final Exchange owner;
    /** The request's head until the first part of the body or its end takes it along. */
    private DefaultHttpRequest head;

    OutgoingBody(Exchange owner, DefaultHttpRequest head) {
      this.owner = owner;
      this.head = head;
    }

    private boolean current() {
      return exchange == owner && !requestEnded;
    }

    @Override
    public void chunked() {
      if (head != null) {
        HttpUtil.setTransferEncodingChunked(head, true);
      }
    }

    @Override
    public boolean write(Buffer data) {
      if (!current()) {
        return true; // the exchange is over: the rest of the client's body is dropped
      }
      idle.touch();
      writeHead();
      channel.writeAndFlush(new DefaultHttpContent(data.getByteBuf()), channel.voidPromise());
      return channel.isWritable();
    }

    @Override
    public void end() {
      if (!current()) {
        return;
      }
      writeHead();
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
      requestEnded = true;
    }

    private void writeHead() {
      if (head != null) {
        channel.write(head, channel.voidPromise());
        head = null;
      }
    }

    @Override
    public void onDrain(Runnable handler) {
      if (!current() || channel.isWritable()) {
        handler.run();
      } else {
        drained = handler;
      }
    }

    @Override
    public void reset() {
      if (exchange == owner) {
        abort();
      }
    }
  }

  /** Knows a HEAD request's answer has no body, whatever its Content-Length says. */
  private final class ResponseDecoder extends HttpResponseDecoder {

    ResponseDecoder() {
      super(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      return method == HttpMethod.HEAD || super.isContentAlwaysEmpty(msg);
    }
  }

  /** Writes Vert.x header maps the way Vert.x's own client does, without iterating entries. */
  private static final class RequestEncoder extends HttpRequestEncoder {

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (headers instanceof HeadersMultiMap) {
        ((HeadersMultiMap) headers).encode(buf);
      } else {
        super.encodeHeaders(headers, buf);
      }
    }
  }
}
