package dev.archway.e2e.harness;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A process cluster with one deployed fleet (3 or more gateway pods behind HAProxy) for a test
 * class: {@code @RegisterExtension static final FleetUnderTest env = new FleetUnderTest(...)}.
 */
public final class FleetUnderTest implements BeforeAllCallback, AfterAllCallback {

  private final String clusterName;
  private final String namespace;
  private final int replicas;
  private final int lbPort;
  private ProcessCluster cluster;
  private Fleet fleet;

  /**
   * @param clusterName names the process cluster in the log
   * @param namespace the fleet's namespace
   * @param replicas gateway pods
   * @param lbPort HAProxy's port on 127.0.0.1, one per test class
   */
  public FleetUnderTest(String clusterName, String namespace, int replicas, int lbPort) {
    this.clusterName = clusterName;
    this.namespace = namespace;
    this.replicas = replicas;
    this.lbPort = lbPort;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = ProcessCluster.start(clusterName);
    fleet = Fleet.deploy(cluster, namespace, replicas, lbPort);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  public ProcessCluster cluster() {
    return cluster;
  }

  public Fleet fleet() {
    return fleet;
  }
}
