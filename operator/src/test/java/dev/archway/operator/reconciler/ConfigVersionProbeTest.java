package dev.archway.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The readiness JSON as a gateway (SmallRye Health) writes it, read back by the operator. */
class ConfigVersionProbeTest {

  @Test
  void theAppliedVersionAndARejectionAreReadFromTheArchwayConfigCheck() {
    String body = """
        {
            "status": "UP",
            "checks": [
                {
                    "name": "Graceful Shutdown",
                    "status": "UP"
                },
                {
                    "name": "archway-config",
                    "status": "UP",
                    "data": {
                        "rejected": "shard 1 of config 0123456789abcdef (ConfigMap edge-config-0123456789abcdef-1) is missing",
                        "rejectedFrom": "ConfigMap prod/edge-config (resourceVersion 42)",
                        "version": "fedcba9876543210",
                        "source": "ConfigMap prod/edge-config (resourceVersion 41) with 3 shards",
                        "appliedAt": "2026-11-22T06:10:02Z",
                        "listeners": "http:8080"
                    }
                }
            ]
        }
        """;
    var answer = ConfigVersionProbe.parse("http://127.0.0.2:9000/q/health/ready", 200, body);
    assertThat(answer.version()).isEqualTo("fedcba9876543210");
    assertThat(answer.rejected()).contains("is missing");
    assertThat(answer.error()).isNull();
  }

  @Test
  void aGatewayWithNoConfigYetHasNoVersionButIsNoError() {
    String body = """
        {"status":"DOWN","checks":[{"name":"archway-config","status":"DOWN","data":{"reason":"no config applied yet"}}]}
        """;
    var answer = ConfigVersionProbe.parse("http://127.0.0.2:9000/q/health/ready", 503, body);
    assertThat(answer.version()).isNull();
    assertThat(answer.error()).isNull();
  }

  @Test
  void somethingElseOnThePortIsAnErrorNamingTheUrl() {
    var answer = ConfigVersionProbe.parse("http://127.0.0.2:9000/q/health/ready", 404, "<html>not found</html>");
    assertThat(answer.version()).isNull();
    assertThat(answer.error()).contains("127.0.0.2:9000").contains("404");
  }
}
