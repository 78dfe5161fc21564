package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.source.FileConfigSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigSourceTest {

  @TempDir Path dir;
  Vertx vertx;
  HttpClient client;
  TestUpstream a;
  TestUpstream b;
  GatewayUnderTest gateway;
  FileConfigSource source;
  int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    a = TestUpstream.start(vertx, "a");
    b = TestUpstream.start(vertx, "b");
    gateway = new GatewayUnderTest(vertx);
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String yaml(String prefix, int targetPort) {
    return """
        schemaVersion: 1
        cluster: local/demo
        listeners:
          - {name: http, port: %d, protocol: HTTP}
        services:
          - name: local/echo
            loadBalancer: RoundRobin
            targets: [{host: 127.0.0.1, port: %d, weight: 1}]
        routes:
          - name: local/echo
            rule: 0
            hosts: [echo.example.com]
            matches: [{path: {type: PathPrefix, value: "%s"}}]
            backends: [{service: local/echo, weight: 1}]
        """.formatted(port, targetPort, prefix);
  }

  private String answer(String path) {
    Http.Reply reply = Http.get(client, port, "echo.example.com", path);
    return reply.status() == 200 ? reply.body() : String.valueOf(reply.status());
  }

  @Test
  void editsOfTheFileChangeRoutingLiveAndAnInvalidEditIsRefused() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    source = new FileConfigSource(file, Duration.ofMillis(50), gateway.applier);
    source.start();
    // the file appears after the start
    Files.writeString(file, yaml("/", a.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.version() != null);
    assertThat(answer("/hello")).isEqualTo("a");

    // edited in place
    Files.writeString(file, yaml("/v2", b.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> "404".equals(answer("/hello")));
    assertThat(answer("/v2/hello")).isEqualTo("b");
    String running = gateway.version();

    // an invalid edit: the field is named, the running config keeps serving
    Files.writeString(file, yaml("v3-no-slash", a.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.applier.lastRejection() != null);
    assertThat(gateway.applier.lastRejection().message())
        .contains("routes[0].matches[0].path.value: v3-no-slash does not start with '/'");
    assertThat(gateway.version()).isEqualTo(running);
    assertThat(answer("/v2/hello")).isEqualTo("b");

    // replaced the way editors do: a new file moved over the old one
    Path next = dir.resolve(".gateway.yaml.swp");
    Files.writeString(next, yaml("/v4", a.port()));
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(10)).until(() -> "a".equals(answer("/v4/x")));
    assertThat(gateway.applier.lastRejection()).isNull();
  }
}
