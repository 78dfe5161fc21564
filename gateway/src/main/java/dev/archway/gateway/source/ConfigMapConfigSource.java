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
import dev.archway.model.ConfigCodec;
import dev.archway.model.ConfigException;
import dev.archway.model.ConfigManifest;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One named ConfigMap, watched through the Kubernetes API with an informer (list, then watch,
 * reconnecting for ever). When the API does not answer within the startup timeout, the
 * last-known-good config is served until it does.
 *
 * <p>The ConfigMap holds the document inline (data key {@code key}) or, for a document too big
 * for one ConfigMap, a {@link ConfigManifest} (data key {@value ConfigManifest#MANIFEST_KEY})
 * naming compressed shards in ConfigMaps of their own. Each shard is read by name (so the pod's
 * Role can list exactly the names it may read), checked against the manifest's checksum, and the
 * document is handed over only when whole; its content hash is checked against the manifest's
 * version on top. Anything missing or wrong keeps the running config, is reported as a
 * rejection, and is tried again with backoff until a newer manifest replaces it.
 */
public final class ConfigMapConfigSource implements ConfigSource {

  private static final Logger LOG = Logger.getLogger(ConfigMapConfigSource.class);
  static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(500);
  static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Duration startupTimeout;
  private final ConfigSink sink;
  private final Optional<LastKnownGoodStore> lastKnownGood;
  private SharedIndexInformer<ConfigMap> informer;
  /** Reads shards off the informer's thread, one manifest at a time. */
  private final ScheduledExecutorService shardReader = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "archway-config-shards");
    t.setDaemon(true);
    return t;
  });
  /** The manifest most recently seen; older ones are not assembled or retried. */
  private final AtomicReference<ConfigMap> latestManifest = new AtomicReference<>();
  /** Guarded by this: once the API has spoken, the last-known-good file must not override it. */
  private boolean heardFromApi;
  /** Guarded by this: the last-known-good config was offered (once is enough). */
  private boolean servedLastKnownGood;

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
    if (data != null && data.containsKey(ConfigManifest.MANIFEST_KEY)) {
      latestManifest.set(configMap);
      shardReader.execute(() -> assemble(configMap, 0));
      return;
    }
    latestManifest.set(null);
    String document = data == null ? null : data.get(key);
    if (document == null) {
      LOG.errorf("ConfigMap %s/%s has no data key %s nor %s (keys: %s); keeping the running config",
          namespace, name, key, ConfigManifest.MANIFEST_KEY, data == null ? "none" : data.keySet());
      return;
    }
    synchronized (this) {
      heardFromApi = true;
      sink.offer(document, "ConfigMap " + namespace + "/" + name + " (resourceVersion "
          + configMap.getMetadata().getResourceVersion() + ")");
    }
  }

  /** Reads the shards a manifest names and offers the document when whole; else retries later. */
  private void assemble(ConfigMap manifestMap, int attempt) {
    if (latestManifest.get() != manifestMap) {
      return; // a newer manifest (or an inline document) replaced this one
    }
    String origin = "ConfigMap " + namespace + "/" + name + " (resourceVersion "
        + manifestMap.getMetadata().getResourceVersion() + ")";
    String document;
    try {
      ConfigManifest manifest = ConfigManifest.decode(manifestMap.getData().get(ConfigManifest.MANIFEST_KEY));
      List<byte[]> pieces = new ArrayList<>();
      for (ConfigManifest.Shard shard : manifest.shards()) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(shard.name()).get();
        String base64 = cm == null || cm.getBinaryData() == null ? null : cm.getBinaryData().get(ConfigManifest.SHARD_KEY);
        pieces.add(base64 == null ? null : Base64.getDecoder().decode(base64));
      }
      document = manifest.assemble(pieces);
      String version = ConfigCodec.decode(document).version();
      if (!manifest.version().equals(version)) {
        throw new ConfigException("manifest names config " + manifest.version() + " but its shards assemble to "
            + version);
      }
      origin = origin + " with " + manifest.shards().size() + " shards";
    } catch (ConfigException | KubernetesClientException | IllegalArgumentException e) {
      long delay = Math.min(MAX_RETRY_DELAY.toMillis(), FIRST_RETRY_DELAY.toMillis() << Math.min(attempt, 10));
      LOG.errorf("config from %s cannot be assembled: %s; keeping the running config, trying again in %d ms",
          origin, e.getMessage(), delay);
      // at start nothing is running yet: the last-known-good config is better than none
      startFromLastKnownGood("the config from " + origin + " cannot be assembled: " + e.getMessage());
      sink.reject(origin, e.getMessage());
      shardReader.schedule(() -> assemble(manifestMap, attempt + 1), delay, TimeUnit.MILLISECONDS);
      return;
    }
    synchronized (this) {
      if (latestManifest.get() != manifestMap) {
        return;
      }
      heardFromApi = true;
      sink.offer(document, origin);
    }
  }

  private synchronized void startFromLastKnownGood(String why) {
    if (heardFromApi || servedLastKnownGood || lastKnownGood.isEmpty()) {
      return;
    }
    LastKnownGoodStore store = lastKnownGood.get();
    try {
      Optional<String> document = store.load();
      if (document.isPresent()) {
        LOG.warnf("%s: serving the last-known-good config from %s meanwhile", why, store.file());
        servedLastKnownGood = true;
        sink.offer(document.get(), "last-known-good " + store.file());
      }
    } catch (IOException e) {
      LOG.errorf("the last-known-good config at %s cannot be read: %s", store.file(), e.toString());
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
      servedLastKnownGood = true;
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
    shardReader.shutdownNow();
  }
}
