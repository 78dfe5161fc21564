package dev.archway.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Status conditions by the Kubernetes API conventions. */
final class Conditions {

  private Conditions() {}

  /**
   * Sets a condition in a list, keeping its lastTransitionTime unless its status changes.
   *
   * @return the new list
   */
  static List<Condition> set(
      List<Condition> current, String type, boolean status, String reason, String message, Long generation) {
    List<Condition> next = new ArrayList<>();
    Condition previous = null;
    for (Condition c : current == null ? List.<Condition>of() : current) {
      if (type.equals(c.getType())) {
        previous = c;
      } else {
        next.add(c);
      }
    }
    String statusText = status ? "True" : "False";
    String since =
        previous != null && statusText.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime()
            : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    next.add(new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build());
    next.sort((a, b) -> a.getType().compareTo(b.getType()));
    return next;
  }

  /** The condition of a type, or null. */
  static Condition find(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Equal apart from lastTransitionTime, so unchanged status is not written again. */
  static boolean sameIgnoringTime(List<Condition> a, List<Condition> b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Condition x = a.get(i);
      Condition y = b.get(i);
      if (!Objects.equals(x.getType(), y.getType()) || !Objects.equals(x.getStatus(), y.getStatus())
          || !Objects.equals(x.getReason(), y.getReason()) || !Objects.equals(x.getMessage(), y.getMessage())
          || !Objects.equals(x.getObservedGeneration(), y.getObservedGeneration())) {
        return false;
      }
    }
    return true;
  }
}
