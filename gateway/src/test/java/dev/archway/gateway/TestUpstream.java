package dev.archway.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP upstream on 127.0.0.1 and an ephemeral port. Answers with its name; {@code /echo}
 * streams the request body back; {@code /slow} answers after 300 ms; when silent it never answers;
 * when told a status, answers everything with it.
 */
final class TestUpstream implements AutoCloseable {

  /** What the upstream received. */
  record Received(String method, String uri, MultiMap headers) {}

  final String name;
  final Queue<Received> received = new ConcurrentLinkedQueue<>();
  /** Connections the gateway closed (or lost). */
  final java.util.concurrent.atomic.AtomicInteger closedConnections = new java.util.concurrent.atomic.AtomicInteger();
  private final Vertx vertx;
  private final HttpServer server;
  private volatile boolean silent;
  private volatile int status;

  private TestUpstream(Vertx vertx, String name) throws Exception {
    this.name = name;
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .connectionHandler(connection -> connection.closeHandler(closed -> closedConnections.incrementAndGet()));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  static TestUpstream start(Vertx vertx, String name) throws Exception {
    return new TestUpstream(vertx, name);
  }

  TestUpstream silent() {
    silent = true;
    return this;
  }

  /** Answers every request with this status from now on; 0 goes back to normal. */
  TestUpstream answering(int status) {
    this.status = status;
    return this;
  }

  int port() {
    return server.actualPort();
  }

  int count() {
    return received.size();
  }

  private void handle(HttpServerRequest request) {
    received.add(new Received(request.method().name(), request.uri(),
        HttpHeaders.headers().addAll(request.headers())));
    if (silent) {
      return;
    }
    if (status != 0) {
      request.response().setStatusCode(status).putHeader("x-upstream", name).end(name);
      return;
    }
    if (request.path().equals("/echo")) {
      request.response().setChunked(true);
      request.pipeTo(request.response());
      return;
    }
    if (request.path().equals("/slow")) {
      request.body().onComplete(b -> vertx.setTimer(300,
          t -> request.response().end(name)));
      return;
    }
    request.response().putHeader("x-upstream", name).end(name);
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
