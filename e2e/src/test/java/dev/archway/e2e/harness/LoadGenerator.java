package dev.archway.e2e.harness;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Requests at a fixed rate through one host and path, bounded in duration and count; every
 * non-2xx answer and every connection error or timeout is a failure. All bookkeeping runs on one
 * Vert.x context, so it needs no locks.
 */
public final class LoadGenerator {

  /**
   * One failed request: when it was sent, when it had a connection and went on the wire (the
   * send instant when it never had one) and when it ended, in ns since the run began; and why.
   */
  public record Failure(long sentNanos, long onWireNanos, long endedNanos, String reason) {}

  /**
   * What a run saw. {@code inFlightAtMarks} counts, for each marked span (such as a kill, from the
   * signal to the process being gone), the requests sent before the span ended that had not been
   * answered when it began.
   */
  public record Result(long sent, long failed, long p50Micros, long p99Micros, long maxMicros,
      List<Failure> failures, long inFlightAtMarks) {

    public double failedPercent() {
      return sent == 0 ? 0 : 100.0 * failed / sent;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final Context context;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String path;
  private final int ratePerSecond;
  private final long maxRequests;
  private final long maxNanos;
  private final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
  private final List<Failure> failures = new ArrayList<>();
  private final List<long[]> inFlight = new ArrayList<>();
  private final List<long[]> marks = new ArrayList<>();
  private final CompletableFuture<Result> done = new CompletableFuture<>();
  private volatile long start;
  private long sent;
  private long completed;
  private long timer;
  private boolean stopping;

  /**
   * @param ratePerSecond requests per second, sent in small batches every 5 ms to keep the rate
   * @param maxDuration the run stops sending after this long
   * @param maxRequests ... or after this many requests
   */
  public LoadGenerator(Vertx vertx, String host, int port, String hostHeader, String path,
      int ratePerSecond, Duration maxDuration, long maxRequests) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.hostHeader = hostHeader;
    this.path = path;
    this.ratePerSecond = ratePerSecond;
    this.maxRequests = maxRequests;
    this.maxNanos = maxDuration.toNanos();
    this.context = vertx.getOrCreateContext();
    // the client closes idle connections well before HAProxy would, so that a request never
    // races a server-side close of an idle connection
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setKeepAlive(true).setKeepAliveTimeout(20).setConnectTimeout(2000).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(64));
  }

  public LoadGenerator start() {
    context.runOnContext(v -> {
      start = System.nanoTime();
      timer = vertx.setPeriodic(5, id -> tick());
    });
    return this;
  }

  /** Nanoseconds since the run began. */
  public long now() {
    return System.nanoTime() - start;
  }

  public long sent() {
    return call(() -> sent);
  }

  public long failedSoFar() {
    return call(() -> (long) failures.size());
  }

  /**
   * Runs {@code action} (such as a kill, up to the process being gone) on the calling thread and
   * marks the span it took; the result counts the requests in flight during it. Returns the end
   * of the span. The instants are read on the calling thread, so that no hop to the load's event
   * loop (which may be busy answering) widens the span or moves it after the fact.
   */
  public long mark(Runnable action) {
    long from = now();
    action.run();
    long to = now();
    context.runOnContext(v -> marks.add(new long[] {from, to}));
    return to;
  }

  private <T> T call(java.util.concurrent.Callable<T> c) {
    CompletableFuture<T> f = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        f.complete(c.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.join();
  }

  private void tick() {
    long elapsed = now();
    if (stopping || elapsed > maxNanos || sent >= maxRequests) {
      finishSending();
      return;
    }
    long due = Math.min(maxRequests, elapsed * ratePerSecond / 1_000_000_000L + 1);
    while (sent < due) {
      send();
    }
  }

  private void send() {
    long sentAt = now();
    long[] span = {sentAt, Long.MAX_VALUE};
    long[] onWire = {sentAt};
    inFlight.add(span);
    sent++;
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
            .setURI(path).putHeader("Host", hostHeader).setTimeout(10_000))
        .compose(req -> {
          // the pool may keep a request waiting for a connection while the machine is busy
          onWire[0] = now();
          return req.send().compose(resp -> resp.body().map(b -> resp.statusCode()));
        })
        .onComplete(ar -> {
          long ended = now();
          span[1] = ended;
          completed++;
          latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, (ended - sentAt) / 1000)));
          if (ar.failed()) {
            failures.add(new Failure(sentAt, onWire[0], ended, ar.cause().toString()));
          } else if (ar.result() < 200 || ar.result() > 299) {
            failures.add(new Failure(sentAt, onWire[0], ended, "HTTP " + ar.result()));
          }
          if (stopping && completed == sent) {
            complete();
          }
        });
  }

  private void finishSending() {
    if (!stopping) {
      stopping = true;
      vertx.cancelTimer(timer);
      if (completed == sent) {
        complete();
      }
    }
  }

  private void complete() {
    long atMarks = 0;
    for (long[] m : marks) {
      atMarks += inFlight.stream().filter(s -> s[0] <= m[1] && s[1] > m[0]).count();
    }
    List<Failure> f = List.copyOf(failures);
    done.complete(new Result(sent, f.size(), latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
        latency.getMaxValue(), f, atMarks));
    client.close();
  }

  /** Stops sending and waits for the answers of requests in flight. */
  public Result stop() {
    context.runOnContext(v -> finishSending());
    return awaitResult();
  }

  /** Waits until the run ends by its own bounds. */
  public Result awaitResult() {
    try {
      return done.get(maxNanos / 1_000_000_000L + 60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("load run did not finish", e);
    }
  }
}
