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
                "default/echo", 0, List.of("echo.example.com"), List.of(MatchConfig.prefix("/")), null,
                List.of(new Backend("default/echo", 1)))),
        List.of(ServiceConfig.of("default/echo", List.of(new TargetConfig("127.0.0.1", 9000, 1)))));
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
            matches: [{path: {type: PathPrefix, value: /}}]
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
            List.of(new RouteConfig("default/r", 0, List.of(), List.of(MatchConfig.prefix("/")), null,
                List.of(new Backend("default/missing", 1)))),
            sample().services());
    assertThatThrownBy(() -> ConfigCodec.decode(ConfigCodec.encode(dangling)))
        .hasMessageContaining("routes[0].backends[0].service: unknown service default/missing");
  }

  @Test
  void everyBrokenRuleIsNamedByItsField() {
    String yaml =
        """
        schemaVersion: 1
        cluster: t/c
        listeners: [{name: http, port: 8080, protocol: HTTP}]
        services:
          - name: t/a
            loadBalancer: ConsistentHash
            targets: [{host: 127.0.0.1, port: 1, weight: 1}]
            retry: {attempts: 2, perTryTimeoutMillis: 0, retryOn: [404], budgetPercent: 20, minRetriesPerSecond: 3}
        routes:
          - name: t/r
            rule: 0
            hosts: ["*.Example.com"]
            matches:
              - path: {type: RegularExpression, value: "/api/(v1"}
                method: get
                headers: [{name: "bad header", type: Exact, value: x}]
            filters:
              urlRewrite: {pathType: ReplacePrefixMatch, path: /}
              directResponse: {status: 700, body: down}
            backends: [{service: t/a, weight: 1}]
        """;
    assertThatThrownBy(() -> ConfigCodec.decode(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("services[0].hash: required for ConsistentHash")
        .hasMessageContaining("services[0].retry.retryOn[0]: 404 is not a 5xx status")
        .hasMessageContaining("routes[0].hosts[0]: *.Example.com")
        .hasMessageContaining("routes[0].matches[0].path.value: invalid regular expression")
        .hasMessageContaining("routes[0].matches[0].method: get")
        .hasMessageContaining("routes[0].matches[0].headers[0].name")
        .hasMessageContaining("routes[0].filters.urlRewrite.pathType: ReplacePrefixMatch needs every match")
        .hasMessageContaining("routes[0].filters.directResponse.status: 700")
        .hasMessageContaining("routes[0].backends: a rule with a directResponse has no backends");
  }

  @Test
  void fullFeaturedDocumentRoundTrips() {
    String yaml =
        """
        schemaVersion: 1
        cluster: t/c
        listeners: [{name: http, port: 8080, protocol: HTTP}]
        services:
          - name: t/a
            loadBalancer: ConsistentHash
            hash: {source: Header, name: X-User}
            targets: [{host: 127.0.0.1, port: 1, weight: 1}]
            healthCheck: {path: /healthz, intervalMillis: 1000, timeoutMillis: 500, healthyThreshold: 2, unhealthyThreshold: 3}
            outlierDetection: {consecutiveFailures: 5, baseEjectionMillis: 1000, maxEjectionMillis: 30000, maxEjectedPercent: 50}
            timeouts: {connectMillis: 1000, requestMillis: 15000, idleMillis: 60000}
            retry: {attempts: 2, perTryTimeoutMillis: 2000, budgetPercent: 20, minRetriesPerSecond: 3}
        routes:
          - name: t/r
            rule: 0
            hosts: ["*.example.com", api.example.com]
            matches:
              - path: {type: RegularExpression, value: "/api/v[0-9]+/.*"}
                method: GET
                headers: [{name: X-Canary, type: Exact, value: "yes"}]
                queryParams: [{name: debug, type: RegularExpression, value: "1|true"}]
            filters:
              requestHeaders: {set: [{name: X-From, value: archway}], remove: [X-Internal]}
              urlRewrite: {hostname: backend.internal}
            backends: [{service: t/a, weight: 1}]
          - name: t/maintenance
            rule: 0
            matches: [{path: {type: Exact, value: /status}}]
            filters:
              directResponse: {status: 503, body: "down for maintenance"}
        """;
    GatewayConfig config = ConfigCodec.decode(yaml);
    assertThat(config.services().get(0).healthCheck().expectedStatuses()).containsExactly("200-399");
    assertThat(config.services().get(0).retry().retryOn()).containsExactly(502, 503, 504);
    assertThat(ConfigCodec.decode(ConfigCodec.encode(config))).isEqualTo(config);
  }

  @Test
  void emptyOrGarbageDocumentIsRefused() {
    assertThatThrownBy(() -> ConfigCodec.decode("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ConfigCodec.decode("{\"schemaVersion\": 1, ")).isInstanceOf(ConfigException.class);
  }

  @Test
  void httpsListenerKeepsItsCertificateFilesInOrder() {
    String yaml =
        """
        schemaVersion: 1
        cluster: t/c
        listeners:
          - {name: http, port: 8080, protocol: HTTP}
          - name: https
            port: 8443
            protocol: HTTPS
            tls:
              certificates:
                - {certFile: /etc/archway/tls/site/tls.crt, keyFile: /etc/archway/tls/site/tls.key}
                - {certFile: /etc/archway/tls/api/tls.crt, keyFile: /etc/archway/tls/api/tls.key}
        """;
    GatewayConfig config = ConfigCodec.decode(yaml);
    ListenerConfig https = config.listeners().get(1);
    assertThat(https.secure()).isTrue();
    assertThat(https.tls().certificates()).containsExactly(
        new ListenerConfig.CertificateFiles("/etc/archway/tls/site/tls.crt", "/etc/archway/tls/site/tls.key"),
        new ListenerConfig.CertificateFiles("/etc/archway/tls/api/tls.crt", "/etc/archway/tls/api/tls.key"));
    assertThat(ConfigCodec.decode(ConfigCodec.encode(config))).isEqualTo(config);
    // a plain listener's document is unchanged by the new field, so its version is too
    assertThat(ConfigCodec.encode(sample())).doesNotContain("tls");
  }

  @Test
  void listenerTlsRulesAreNamedByField() {
    String yaml =
        """
        schemaVersion: 1
        cluster: t/c
        listeners:
          - {name: a, port: 8080, protocol: HTTP, tls: {certificates: [{certFile: /a.crt, keyFile: /a.key}]}}
          - {name: b, port: 8443, protocol: HTTPS}
          - {name: c, port: 8444, protocol: HTTPS, tls: {certificates: [{certFile: /c.crt}]}}
          - {name: d, port: 8445, protocol: TCP}
        """;
    assertThatThrownBy(() -> ConfigCodec.decode(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listeners[0].tls: only for protocol HTTPS")
        .hasMessageContaining("listeners[1].tls.certificates: protocol HTTPS needs at least one certificate")
        .hasMessageContaining("listeners[2].tls.certificates[0].keyFile: must name a PEM file")
        .hasMessageContaining("listeners[3].protocol: TCP is not HTTP or HTTPS");
  }
}
