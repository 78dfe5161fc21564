package dev.archway.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code archway operator}: runs against the current kubeconfig or in-cluster config. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    LOG.info("Archway operator talking to {} (watching {}; leader election {})",
        client.getConfiguration().getMasterUrl(),
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(),
        settings.leaseNamespace() == null ? "off" : "on, Lease " + ArchwayOperator.LEASE_NAME
            + " in " + settings.leaseNamespace());
    Operator operator = ArchwayOperator.create(client, settings);
    OperatorHealth health = settings.healthPort() > 0 ? new OperatorHealth(operator, settings.healthPort()) : null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      if (health != null) {
        health.close();
      }
      client.close();
    }, "archway-operator-shutdown"));
    operator.start();
    LOG.info("Archway operator started");
    Thread.currentThread().join();
  }

}
