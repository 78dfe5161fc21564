package dev.archway.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events on important transitions, as {@code kubectl describe} shows them. */
final class EventRecorder {

  static final String COMPONENT = "archway-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private EventRecorder() {}

  /** Records a Normal or Warning event; a failure to record is logged, never fatal. */
  static void record(KubernetesClient client, HasMetadata about, boolean warning, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
        .withNamespace(about.getMetadata().getNamespace())
        .withName(about.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(about.getApiVersion())
        .withKind(about.getKind())
        .withName(about.getMetadata().getName())
        .withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid())
        .withResourceVersion(about.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(warning ? "Warning" : "Normal")
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withEventTime(new MicroTime(Instant.now().toString()))
        .withReportingComponent(COMPONENT)
        .withReportingInstance(System.getenv().getOrDefault("POD_NAME", COMPONENT))
        .withAction(reason)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .build();
    try {
      client.v1().events().resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, about.getKind(), about.getMetadata().getName(), e.getMessage());
    }
  }
}
