package dev.archway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.model.RouteConfig.Backend;
import dev.archway.model.ServiceConfig.TargetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {

  static GatewayConfig sample() {
    return new GatewayConfig(
        GatewayConfig.SCHEMA_VERSION,
        null,
        "default/demo",
        List.of(new ListenerConfig("http", 8080, "HTTP")),
        List.of(
            new RouteConfig(
                "default/echo", 0, List.of("echo.example.com"), List.of("/"),
                List.of(new Backend("default/echo", 1)))),
        List.of(
            new ServiceConfig(
                "default/echo", "RoundRobin", List.of(new TargetConfig("127.0.0.1", 9000, 1)))));
  }

  @Test
  void roundTripKeepsEveryFieldAndTheVersion() {
    GatewayConfig config = sample().withContentVersion();
    GatewayConfig decoded = ConfigCodec.decode(ConfigCodec.encode(config));
    assertThat(decoded).isEqualTo(config);
    assertThat(decoded.version()).hasSize(16);
  }

  @Test
  void versionChangesWithContentAndOnlyWithContent() {
    GatewayConfig a = sample();
    GatewayConfig sameAgain = sample();
    GatewayConfig other =
        new GatewayConfig(1, null, "default/demo", a.listeners(), List.of(), a.services());
    assertThat(ConfigCodec.hash(a)).isEqualTo(ConfigCodec.hash(sameAgain));
    assertThat(ConfigCodec.hash(a)).isNotEqualTo(ConfigCodec.hash(other));
    assertThat(ConfigCodec.hash(a.withContentVersion())).isEqualTo(ConfigCodec.hash(a));
  }

  @Test
  void yamlDocumentWithoutVersionIsAcceptedAndVersioned() {
    String yaml =
        """
        schemaVersion: 1
        cluster: local/demo
        listeners:
          - {name: http, port: 8080, protocol: HTTP}
        services:
          - name: local/echo
            loadBalancer: RoundRobin
            targets: [{host: 127.0.0.1, port: 9000, weight: 1}]
        routes:
          - name: local/echo
            rule: 0
            hosts: []
            pathPrefixes: [/]
            backends: [{service: local/echo, weight: 1}]
        """;
    GatewayConfig config = ConfigCodec.decode(yaml);
    assertThat(config.version()).isEqualTo(ConfigCodec.hash(config));
    assertThat(config.routes()).hasSize(1);
  }

  @Test
  void tamperedDocumentIsRefusedNamingTheVersion() {
    String json = ConfigCodec.encode(sample().withContentVersion()).replace("8080", "8081");
    assertThatThrownBy(() -> ConfigCodec.decode(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("version:");
  }

  @Test
  void unknownSchemaVersionIsRefused() {
    String json = ConfigCodec.encode(sample()).replace("\"schemaVersion\":1", "\"schemaVersion\":99");
    assertThatThrownBy(() -> ConfigCodec.decode(json))
        .hasMessageContaining("schemaVersion: 99 is not supported");
  }

  @Test
  void unknownFieldAndBrokenReferenceAreNamed() {
    String unknown = ConfigCodec.encode(sample()).replace("\"hosts\"", "\"hostz\"");
    assertThatThrownBy(() -> ConfigCodec.decode(unknown)).hasMessageContaining("routes[0].hostz");

    GatewayConfig dangling =
        new GatewayConfig(1, null, "default/demo", sample().listeners(),
            List.of(new RouteConfig("default/r", 0, List.of(), List.of("/"),
                List.of(new Backend("default/missing", 1)))),
            sample().services());
    assertThatThrownBy(() -> ConfigCodec.decode(ConfigCodec.encode(dangling)))
        .hasMessageContaining("routes[0].backends[0].service: unknown service default/missing");
  }

  @Test
  void emptyOrGarbageDocumentIsRefused() {
    assertThatThrownBy(() -> ConfigCodec.decode("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ConfigCodec.decode("{\"schemaVersion\": 1, ")).isInstanceOf(ConfigException.class);
  }
}
