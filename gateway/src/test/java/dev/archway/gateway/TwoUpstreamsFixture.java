package dev.archway.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Two real upstreams ("a" and "b"), a gateway under test on a free port, and a client. */
abstract class TwoUpstreamsFixture {

  static Vertx vertx;
  static HttpClient client;
  TestUpstream a;
  TestUpstream b;
  GatewayUnderTest gateway;
  int port;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(8));
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    a = TestUpstream.start(vertx, "a");
    b = TestUpstream.start(vertx, "b");
    gateway = new GatewayUnderTest(vertx);
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    a.close();
    b.close();
  }
}
