package dev.archway.gateway.tls;

import dev.archway.model.ListenerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * TLS of one HTTPS listener: the certificates all its server instances present, swapped when the
 * files change. Connections already open keep the certificate they were made with; only new
 * handshakes see the new one.
 */
public final class ListenerTls {

  private static final Logger LOG = Logger.getLogger(ListenerTls.class);

  private final Vertx vertx;
  private final String listener;
  private final SniKeyManager keys;
  private ListenerConfig.Tls config;
  /** The latest refused file contents' complaint, so a broken file is logged once, not every poll. */
  private String lastComplaint;

  /**
   * @param listener the listener's name, for logs and metrics
   * @param served certificates already read and checked ({@link ServedCertificates#read})
   */
  public ListenerTls(Vertx vertx, String listener, ListenerConfig.Tls config, ServedCertificates served) {
    this.vertx = vertx;
    this.listener = listener;
    this.config = config;
    this.keys = new SniKeyManager(served);
  }

  public String listener() {
    return listener;
  }

  /** The certificates served now. */
  public ServedCertificates served() {
    return keys.served();
  }

  /**
   * Turns plain server options into this listener's: TLS with this listener's certificates (chosen
   * by SNI in the key manager), and ALPN offering HTTP/2 before HTTP/1.1.
   */
  public HttpServerOptions configure(HttpServerOptions options) {
    options.setSsl(true)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setKeyCertOptions(KeyCertOptions.wrap(keys));
    return options;
  }

  /** Serves the certificates of a new config (other files) on the open listener. */
  public synchronized void replace(ListenerConfig.Tls newConfig, ServedCertificates certificates) {
    keys.serve(certificates);
    config = newConfig;
    lastComplaint = null;
  }

  /**
   * Reads the files again; when their bytes changed and the new pairs are sound, serves them. A
   * broken, half-written or mismatched file is logged with its path and the old certificate keeps
   * serving.
   *
   * @return true when new certificates are served
   */
  public synchronized boolean reloadIfChanged() {
    ServedCertificates served = keys.served();
    if (unchanged(served)) {
      return false;
    }
    ServedCertificates fresh;
    try {
      fresh = ServedCertificates.read(vertx, "listener " + listener, config);
    } catch (CertificateLoadException e) {
      if (!e.getMessage().equals(lastComplaint)) {
        lastComplaint = e.getMessage();
        LOG.errorf("TLS files changed but cannot be served: %s; listener %s keeps serving %s", e.getMessage(),
            listener, describe(served));
      }
      return false;
    }
    if (fresh.equals(served)) {
      return false;
    }
    keys.serve(fresh);
    lastComplaint = null;
    LOG.infof("listener %s now serves %s (reloaded from %s)", listener, describe(fresh), fresh);
    return true;
  }

  private static boolean unchanged(ServedCertificates served) {
    for (CertificatePair p : served.pairs()) {
      try {
        if (!Arrays.equals(Files.readAllBytes(Path.of(p.files().certFile())), p.cert())
            || !Arrays.equals(Files.readAllBytes(Path.of(p.files().keyFile())), p.key())) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        return false; // gone or unreadable: read() says why
      }
    }
    return true;
  }

  private static String describe(ServedCertificates certificates) {
    return String.join(", ", certificates.pairs().stream().map(CertificatePair::describe).toList());
  }
}
