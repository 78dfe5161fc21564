package dev.archway.gateway.tls;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Polls the certificate files of every open HTTPS listener and applies changed ones. Polling, not
 * file events: the kubelet updates a mounted Secret by swapping a symlink, which inotify on the
 * file itself does not see. Also keeps the expiry gauge, {@code
 * archway_tls_certificate_expiry_timestamp_seconds{listener,certificate}} (a Unix time; alert on it
 * minus {@code time()}).
 */
public final class CertificateReloader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CertificateReloader.class);

  private final Set<ListenerTls> listeners = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService thread;
  private final MultiGauge expiry;

  /**
   * @param interval how often the files are read; zero: never (certificates change with the config only)
   * @param registry where the expiry gauge goes; null: nowhere
   */
  public CertificateReloader(Duration interval, MeterRegistry registry) {
    expiry = registry == null ? null : MultiGauge.builder("archway.tls.certificate.expiry.timestamp")
        .description("When the certificate an HTTPS listener serves expires (notAfter), as a Unix time")
        .baseUnit("seconds")
        .register(registry);
    if (interval.isZero() || interval.isNegative()) {
      thread = null;
      return;
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "archway-tls-reload");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::reloadChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts watching a listener's files. */
  public void add(ListenerTls listener) {
    listeners.add(listener);
    publishExpiry();
  }

  /** Stops watching a closed listener. */
  public void remove(ListenerTls listener) {
    listeners.remove(listener);
    publishExpiry();
  }

  /** Certificates changed through the config: the gauge follows. */
  public void changed() {
    publishExpiry();
  }

  /** One round: every listener reads its files and applies what changed. */
  public void reloadChanged() {
    boolean any = false;
    for (ListenerTls l : listeners) {
      try {
        any |= l.reloadIfChanged();
      } catch (RuntimeException e) {
        LOG.errorf(e, "checking the certificate files of listener %s", l.listener());
      }
    }
    if (any) {
      publishExpiry();
    }
  }

  private synchronized void publishExpiry() {
    if (expiry == null) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ListenerTls l : listeners) {
      for (CertificatePair p : l.served().pairs()) {
        rows.add(MultiGauge.Row.of(Tags.of("listener", l.listener(), "certificate", p.files().certFile()),
            p.notAfter().getEpochSecond()));
      }
    }
    expiry.register(rows, true);
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
    listeners.clear();
    publishExpiry();
  }
}
