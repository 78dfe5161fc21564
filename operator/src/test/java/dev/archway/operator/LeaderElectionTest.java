package dev.archway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.TestApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two operator replicas: one reconciles, the other takes over when the first stops. */
@Timeout(120)
class LeaderElectionTest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();

  static LeaderElectionConfiguration election(String identity) {
    return new LeaderElectionConfiguration(ArchwayOperator.LEASE_NAME, "archway-system",
        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300), identity, null, false);
  }

  @Test
  void standbyReplicaTakesOverWhenTheLeaderStops() throws Exception {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      api.installCrds(ROOT);
      for (String ns : new String[] {"archway-system", "shop"}) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      Operator first = ArchwayOperator.create(client, OperatorSettings.defaults(), election("replica-1"));
      first.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> holder(client) != null);
      assertThat(holder(client)).isEqualTo("replica-1");
      Operator second = ArchwayOperator.create(client, OperatorSettings.defaults(), election("replica-2"));
      second.start();
      try {
        client.resource(Resources.cluster("shop", "edge")).create();
        client.resource(Resources.service("shop", "web", 9001)).create();
        client.resource(Resources.route("shop", "web", "edge", null, "/before", "web")).create();
        awaitPath(client, "/before");
        assertThat(holder(client)).isEqualTo("replica-1");

        first.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> "replica-2".equals(holder(client)));
        Resources.edit(client, ArchwayRoute.class, "shop", "web", r -> {
          r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/after");
          return r;
        });
        awaitPath(client, "/after");
      } finally {
        second.stop();
      }
    }
  }

  static String holder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace("archway-system").withName(ArchwayOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  static void awaitPath(KubernetesClient client, String path) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var cm = client.configMaps().inNamespace("shop").withName("edge-config").get();
      if (cm == null) {
        return false;
      }
      GatewayConfig c = ConfigCodec.decode(cm.getData().get("config.json"));
      return c.routes().size() == 1 && c.routes().get(0).matches().get(0).path().value().equals(path);
    });
  }
}
