package dev.archway.gateway.source;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One named ConfigMap, watched through the Kubernetes API with an informer (list, then watch,
 * reconnecting for ever). When the API does not answer within the startup timeout, the
 * last-known-good config is served until it does.
 */
public final class ConfigMapConfigSource implements ConfigSource {

  private static final Logger LOG = Logger.getLogger(ConfigMapConfigSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Duration startupTimeout;
  private final ConfigSink sink;
  private final Optional<LastKnownGoodStore> lastKnownGood;
  private SharedIndexInformer<ConfigMap> informer;
  /** Guarded by this: once the API has spoken, the last-known-good file must not override it. */
  private boolean heardFromApi;

  public ConfigMapConfigSource(
      KubernetesClient client,
      String namespace,
      String name,
      String key,
      Duration startupTimeout,
      ConfigSink sink,
      Optional<LastKnownGoodStore> lastKnownGood) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.key = key;
    this.startupTimeout = startupTimeout;
    this.sink = sink;
    this.lastKnownGood = lastKnownGood;
  }

  @Override
  public String describe() {
    return "ConfigMap " + namespace + "/" + name + " key " + key + " through the Kubernetes API at "
        + client.getMasterUrl();
  }

  @Override
  public void start() {
    informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.exceptionHandler((started, error) -> {
      LOG.warnf("Kubernetes API at %s: %s; retrying", client.getMasterUrl(), error.toString());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap configMap) {
        offer(configMap);
      }

      @Override
      public void onUpdate(ConfigMap before, ConfigMap after) {
        offer(after);
      }

      @Override
      public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
        LOG.warnf("ConfigMap %s/%s was deleted; keeping the running config", namespace, name);
      }
    });
    CompletableFuture<Void> synced = informer.start().toCompletableFuture();
    // a copy: timing out must not complete the informer's own future
    synced.copy().orTimeout(startupTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((ok, error) -> {
          if (error == null) {
            LOG.infof("watching ConfigMap %s/%s through the Kubernetes API", namespace, name);
            if (informer.getStore().list().isEmpty()) {
              LOG.warnf("ConfigMap %s/%s does not exist (yet); waiting for it", namespace, name);
            }
          } else {
            fallBack(error);
          }
        });
  }

  private void offer(ConfigMap configMap) {
    Map<String, String> data = configMap.getData();
    String document = data == null ? null : data.get(key);
    if (document == null) {
      LOG.errorf("ConfigMap %s/%s has no data key %s (keys: %s); keeping the running config",
          namespace, name, key, data == null ? "none" : data.keySet());
      return;
    }
    synchronized (this) {
      heardFromApi = true;
      sink.offer(document, "ConfigMap " + namespace + "/" + name + " (resourceVersion "
          + configMap.getMetadata().getResourceVersion() + ")");
    }
  }

  private synchronized void fallBack(Throwable error) {
    if (heardFromApi) {
      return;
    }
    String why = error instanceof TimeoutException
        ? "no answer within " + startupTimeout.toMillis() + " ms"
        : error.toString();
    if (lastKnownGood.isEmpty()) {
      LOG.errorf("Kubernetes API at %s unreachable at start (%s) and archway.last-known-good.dir is not set:"
          + " no config to serve until the API answers", client.getMasterUrl(), why);
      return;
    }
    LastKnownGoodStore store = lastKnownGood.get();
    try {
      Optional<String> document = store.load();
      if (document.isEmpty()) {
        LOG.errorf("Kubernetes API at %s unreachable at start (%s) and there is no last-known-good config"
            + " at %s: no config to serve until the API answers", client.getMasterUrl(), why, store.file());
        return;
      }
      LOG.warnf("Kubernetes API at %s unreachable at start (%s): serving the last-known-good config from %s"
          + " until the API answers", client.getMasterUrl(), why, store.file());
      sink.offer(document.get(), "last-known-good " + store.file());
    } catch (IOException e) {
      LOG.errorf("Kubernetes API unreachable at start (%s) and the last-known-good config at %s"
          + " cannot be read: %s", why, store.file(), e.toString());
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
