package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.Http.Reply;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.HashPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load-balancing algorithms, seen from a client through a real listener. */
class BalancingTest {

  static Vertx vertx;
  static HttpClient client;
  final List<TestUpstream> upstreams = new ArrayList<>();
  GatewayUnderTest gateway;
  int port;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16));
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      upstreams.add(TestUpstream.start(vertx, name));
    }
    gateway = new GatewayUnderTest(vertx);
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    for (TestUpstream upstream : upstreams) {
      upstream.close();
    }
  }

  private GatewayConfig serving(String algorithm, HashPolicy hash) {
    int[] ports = upstreams.stream().mapToInt(TestUpstream::port).toArray();
    return config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")),
        List.of(new ServiceConfig("test/svc", algorithm, hash, targets(ports), null, null, null, null)));
  }

  private Reply get(String path, String header, String value) {
    try {
      return client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path)
              .setHeaders(MultiMap.caseInsensitiveMultiMap().add(header, value)))
          .compose(r -> r.send().compose(response -> response.body()
              .map(b -> new Reply(response.statusCode(), b, response.headers()))))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void consistentHashOnAHeaderSendsAUserToOneTarget() {
    gateway.apply(serving(ServiceConfig.CONSISTENT_HASH, new HashPolicy(HashPolicy.HEADER, "x-user")));
    Set<String> answeredAll = new HashSet<>();
    for (int user = 0; user < 12; user++) {
      Set<String> answered = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        answered.add(get("/", "x-user", "user-" + user).body());
      }
      assertThat(answered).as("user-" + user).hasSize(1);
      answeredAll.addAll(answered);
    }
    assertThat(answeredAll).as("users spread over the targets").hasSizeGreaterThan(1);
  }

  @Test
  void consistentHashOnACookieSticks() {
    gateway.apply(serving(ServiceConfig.CONSISTENT_HASH, new HashPolicy(HashPolicy.COOKIE, "sid")));
    for (int s = 0; s < 5; s++) {
      Set<String> answered = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        answered.add(get("/", "cookie", "theme=dark; sid=session-" + s + "; lang=en").body());
      }
      assertThat(answered).hasSize(1);
    }
  }

  @Test
  void leastRequestKeepsNewRequestsAwayFromABusyTarget() throws Exception {
    TestUpstream busy = upstreams.get(0).silent();
    gateway.apply(serving(ServiceConfig.LEAST_REQUEST, null));
    // send until one request hangs on the silent target (until the idle timeout)
    CompletableFuture<Reply> hanging = null;
    for (int i = 0; i < 20 && busy.count() == 0; i++) {
      hanging = CompletableFuture.supplyAsync(() -> Http.get(client, port, "example.com", "/"));
      CompletableFuture<Reply> sent = hanging;
      await().atMost(Duration.ofSeconds(2)).until(() -> busy.count() == 1 || sent.isDone());
    }
    assertThat(busy.count()).isEqualTo(1);
    // of any two targets picked, the idle one wins: the busy one gets nothing new
    for (int i = 0; i < 10; i++) {
      assertThat(Http.get(client, port, "example.com", "/").body()).isIn("b", "c");
    }
    assertThat(busy.count()).isEqualTo(1);
    assertThat(hanging.get(5, TimeUnit.SECONDS).status()).isEqualTo(504);
  }

  @Test
  void randomReachesEveryTarget() {
    gateway.apply(serving(ServiceConfig.RANDOM, null));
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 60 && answered.size() < 3; i++) {
      answered.add(Http.get(client, port, "example.com", "/").body());
    }
    assertThat(answered).containsExactlyInAnyOrder("a", "b", "c");
  }
}
