package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archway.model.GatewayConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway as Quarkus runs it: settings, startup, the management port. */
@QuarkusTest
@TestProfile(GatewayProcessTest.FileSource.class)
class GatewayProcessTest {

  /**
   * A config file that does not exist yet when the gateway starts. A fixed path: this class is
   * loaded by the test's and by Quarkus' class loaders, a random one would differ between them.
   */
  public static class FileSource implements QuarkusTestProfile {
    static final Path DIR = Path.of("target", "gateway-process-test").toAbsolutePath();
    static final Path FILE = DIR.resolve("gateway.json");

    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Files.createDirectories(DIR);
        Files.deleteIfExists(FILE);
        Files.deleteIfExists(DIR.resolve("lkg").resolve("last-known-good.json"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of(
          "archway.config.file", FILE.toString(),
          "archway.config.poll-interval", "50ms",
          "archway.bind-host", "127.0.0.1",
          "archway.last-known-good.dir", DIR.resolve("lkg").toString());
    }
  }

  // management URLs are relative to the management root path, /q
  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/health/live", management = true)
  URL live;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> get(URL url) throws Exception {
    return http.send(HttpRequest.newBuilder(url.toURI()).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyOnlyOnceAConfigIsAppliedAndItsListenerServes() throws Exception {
    HttpResponse<String> before = get(ready);
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(json.readTree(before.body()).get("status").asText()).isEqualTo("DOWN");
    JsonNode down = archwayCheck(before.body());
    assertThat(down.get("status").asText()).isEqualTo("DOWN");
    assertThat(down.get("data").get("reason").asText()).isEqualTo("no config applied yet");
    assertThat(get(live).statusCode()).isEqualTo(200);

    try (var vertxUpstream = new UpstreamOnItsOwnVertx()) {
      int port = Ports.free();
      GatewayConfig config = Configs.everythingTo(port, vertxUpstream.upstream.port());
      Files.writeString(FileSource.FILE, Configs.json(config));

      await().atMost(Duration.ofSeconds(10)).until(() -> get(ready).statusCode() == 200);
      JsonNode up = archwayCheck(get(ready).body());
      assertThat(up.get("status").asText()).isEqualTo("UP");
      assertThat(up.get("data").get("version").asText()).isEqualTo(config.version());
      assertThat(up.get("data").get("listeners").asText()).isEqualTo("http:" + port);

      HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/hello")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(proxied.body()).isEqualTo("a");

      String scraped = get(metrics).body();
      assertThat(scraped).contains("archway_config_info{version=\"" + config.version() + "\"} 1.0",
          "archway_config_reloads_total{result=\"applied\"} 1.0",
          "archway_requests_total{route=\"test/all\",status=\"2xx\"} 1.0",
          "archway_upstream_requests_total{service=\"test/svc\",status=\"2xx\"} 1.0",
          "archway_upstream_target_healthy{service=\"test/svc\",target=\"127.0.0.1:"
              + vertxUpstream.upstream.port() + "\"} 1.0",
          "archway_config_reload_duration_seconds_count 1");
      await().atMost(Duration.ofSeconds(5)).until(() -> get(metrics).body()
          .contains("archway_request_duration_seconds_bucket{route=\"test/all\",le=\"0.005\"}"));
      assertThat(FileSource.DIR.resolve("lkg").resolve("last-known-good.json")).exists();
    }
  }

  private JsonNode archwayCheck(String health) throws Exception {
    for (JsonNode check : json.readTree(health).get("checks")) {
      if (check.get("name").asText().equals("archway-config")) {
        return check;
      }
    }
    throw new AssertionError("no archway-config check in " + health);
  }

  /** The test upstream, on a Vert.x of its own so it outlives nothing of Quarkus'. */
  static final class UpstreamOnItsOwnVertx implements AutoCloseable {
    final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    final TestUpstream upstream;

    UpstreamOnItsOwnVertx() throws Exception {
      upstream = TestUpstream.start(vertx, "a");
    }

    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
