package dev.archway.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small GETs and a large echoed body through a gateway on 127.0.0.1, HTTP/1.1 (64 pooled
 * connections) against HTTP/2 (one h2c connection, 64 streams); upstream always HTTP/1.1; client,
 * gateway and upstream share one JVM. Run by hand after {@code mvn -pl gateway -am verify}:
 *
 * <pre>
 * java -cp "gateway/target/test-classes:gateway/target/classes:crds/target/classes:gateway/target/quarkus-app/lib/main/*" \
 *   dev.archway.gateway.Http2Benchmark
 * </pre>
 * Prints its numbers; asserts nothing.
 */
public final class Http2Benchmark {

  private static final int IN_FLIGHT = 64;
  private static final int REQUESTS = 20_000;
  private static final int BODY_MB = 64;

  private Http2Benchmark() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestUpstream upstream = TestUpstream.start(vertx, "a"); GatewayUnderTest gateway = new GatewayUnderTest(vertx)) {
      int port = Ports.free();
      gateway.apply(Configs.everythingTo(port, upstream.port()));
      HttpClient http11 = vertx.httpClientBuilder().with(new HttpClientOptions())
          .with(new PoolOptions().setHttp1MaxSize(IN_FLIGHT)).build();
      HttpClient http2 = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))
          .with(new PoolOptions().setHttp2MaxSize(1)).build();
      for (int round = 0; round < 3; round++) { // the first round warms up
        report(round, "HTTP/1.1", port, http11);
        report(round, "HTTP/2  ", port, http2);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void report(int round, String name, int port, HttpClient client) throws Exception {
    long start = System.nanoTime();
    gets(client, port);
    double getSeconds = (System.nanoTime() - start) / 1e9;
    Buffer body = Buffer.buffer(new byte[BODY_MB * 1024 * 1024]);
    start = System.nanoTime();
    int echoed = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/echo"))
        .compose(request -> request.send(body).compose(response -> response.body()))
        .map(Buffer::length)
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    double echoSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("round %d %s  %,8.0f GET/s (%d in flight)   echo %d MB each way: %6.1f MB/s%n", round, name,
        REQUESTS / getSeconds, IN_FLIGHT, echoed / (1024 * 1024), BODY_MB / echoSeconds);
  }

  private static void gets(HttpClient client, int port) throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (started.incrementAndGet() > REQUESTS) {
        return;
      }
      client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
          .compose(request -> request.send().compose(response -> response.body()))
          .recover(failed -> Future.succeededFuture())
          .onComplete(answered -> {
            if (done.incrementAndGet() == REQUESTS) {
              all.complete(null);
            } else {
              next[0].run();
            }
          });
    };
    for (int i = 0; i < IN_FLIGHT; i++) {
      next[0].run();
    }
    all.get(300, TimeUnit.SECONDS);
  }
}
