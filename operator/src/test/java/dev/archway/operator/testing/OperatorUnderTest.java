package dev.archway.operator.testing;

import dev.archway.operator.ArchwayOperator;
import dev.archway.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator running against a test API server with the CRDs installed, for one test class:
 * {@code @RegisterExtension static final OperatorUnderTest env = new OperatorUnderTest("ns-prefix");}
 * Each test takes a fresh namespace, so tests of a class share one API server and one operator.
 */
public final class OperatorUnderTest implements BeforeAllCallback, AfterAllCallback {

  /** The repository root, where crds/yaml lives. */
  public static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();

  private final String namespacePrefix;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private TestApiServer api;
  private KubernetesClient client;
  private Operator operator;
  private int namespaces;

  public OperatorUnderTest(String namespacePrefix) {
    this.namespacePrefix = namespacePrefix;
  }

  /** An operator environment variable (read through system properties) set while the operator is created. */
  public OperatorUnderTest withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    api = TestApiServer.start();
    client = api.client();
    api.installCrds(ROOT);
    startOperator();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (operator != null) {
      operator.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  /** Stops the operator and starts a new one, as a pod restart or a leader change would. */
  public void restartOperator() {
    operator.stop();
    startOperator();
  }

  private void startOperator() {
    environment.forEach(System::setProperty);
    try {
      operator = ArchwayOperator.create(client, OperatorSettings.defaults());
    } finally {
      environment.keySet().forEach(System::clearProperty);
    }
    operator.start();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A namespace no other test of the class uses. */
  public String newNamespace() {
    String ns = namespacePrefix + "-" + (++namespaces);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    return ns;
  }
}
