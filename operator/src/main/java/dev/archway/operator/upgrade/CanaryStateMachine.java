package dev.archway.operator.upgrade;

import dev.archway.api.v1alpha1.CanaryStep;
import dev.archway.api.v1alpha1.Durations;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.operator.render.Workload;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The canary upgrade as a state machine: from what is observed now (spec, the two Deployments,
 * the last status, an analysis verdict) to what both Deployments should be, the next status and
 * the events to record. Pure; all state lives in status.upgrade and the Deployments, so a
 * restarted operator takes up where the last one stopped.
 */
public final class CanaryStateMachine {

  public static final String PROGRESSING = "Progressing";
  public static final String PAUSED = "Paused";
  public static final String PROMOTING = "Promoting";
  public static final String PROMOTED = "Promoted";
  public static final String ROLLED_BACK = "RolledBack";
  public static final String ABORTED = "Aborted";
  static final Duration DEFAULT_PAUSE = Duration.ofMinutes(1);
  public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);

  private CanaryStateMachine() {}

  /**
   * A Deployment as last seen.
   *
   * @param image the gateway container's image
   * @param replicas spec.replicas
   * @param readyReplicas status.readyReplicas
   * @param updatedReplicas status.updatedReplicas
   * @param caughtUp status.observedGeneration equals metadata.generation
   */
  public record DeploymentState(String image, int replicas, int readyReplicas, int updatedReplicas, boolean caughtUp) {}

  /**
   * Everything the next decision depends on.
   *
   * @param canaryStrategy spec.upgrade.strategy is Canary
   * @param steps spec.upgrade.canary.steps (empty when not Canary)
   * @param progressDeadline longest wait of a step for its canary pods
   * @param paused spec.upgrade.paused
   * @param abortRequested the abort annotation is present
   * @param desiredImage spec.image, or the operator's default
   * @param replicas spec.replicas
   * @param stable the stable Deployment, null before it exists
   * @param canary the canary Deployment, null when there is none
   * @param previous status.upgrade, null before the first canary
   * @param verdict a judgement made in this reconciliation, or null
   * @param now the time
   */
  public record Observation(
      boolean canaryStrategy,
      List<CanaryStep> steps,
      Duration progressDeadline,
      boolean paused,
      boolean abortRequested,
      String desiredImage,
      int replicas,
      DeploymentState stable,
      DeploymentState canary,
      UpgradeStatus previous,
      CanaryAnalysis.Verdict verdict,
      Instant now) {}

  /** An event to record on the GatewayCluster. */
  public record Event(boolean warning, String reason, String message) {}

  /**
   * What to do.
   *
   * @param stable the stable Deployment to render
   * @param canary the canary Deployment to render; null when there must be none
   * @param status the next status.upgrade (the previous one, unchanged, when nothing happened)
   * @param events to record
   * @param wakeUpAfter when to look again even if nothing changes; null when only changes matter
   */
  public record Decision(Workload stable, Workload canary, UpgradeStatus status, List<Event> events, Duration wakeUpAfter) {
    /** A canary run is under way: steps, pause or promotion. */
    public boolean active() {
      return status != null && isActive(status.getPhase());
    }
  }

  static boolean isActive(String phase) {
    return PROGRESSING.equals(phase) || PAUSED.equals(phase) || PROMOTING.equals(phase);
  }

  /** Canary pods for a weight: ceil(replicas * weight / 100), at least one, at most all. */
  public static int canaryReplicas(int replicas, int weight) {
    if (replicas <= 0) {
      return 0;
    }
    return Math.max(1, Math.min(replicas, (int) Math.ceil(replicas * weight / 100.0)));
  }

  public static Decision decide(Observation o) {
    UpgradeStatus prev = o.previous();
    String phase = prev == null ? null : prev.getPhase();
    int n = o.replicas();
    List<Event> events = new ArrayList<>();

    if (o.stable() == null) {
      // a new cluster starts on the desired image; there is nothing to compare a canary with
      return new Decision(Workload.stable(o.desiredImage(), n), null, prev, events, null);
    }

    if (!o.canaryStrategy()) {
      if (isActive(phase) && o.canary() != null) {
        // strategy switched away mid-canary: finish as a promotion so no pod is lost on the way
        return promoting(o, copy(prev), events, "spec.upgrade.strategy is no longer Canary; promoting " + prev.getCanaryImage());
      }
      return new Decision(Workload.stable(o.desiredImage(), n), null, prev, events, null);
    }

    if (isActive(phase)) {
      UpgradeStatus next = copy(prev);
      if (o.abortRequested()) {
        return ended(o, next, ABORTED, events, new Event(true, "CanaryAborted",
            "Canary of " + prev.getCanaryImage() + " aborted by the archway.dev/abort-upgrade annotation; "
                + prev.getStableImage() + " serves on " + n + " pods"));
      }
      if (!Objects.equals(prev.getCanaryImage(), o.desiredImage())) {
        if (Objects.equals(prev.getStableImage(), o.desiredImage())) {
          return ended(o, next, ABORTED, events, new Event(true, "CanaryAborted",
              "spec.image went back to the stable image " + prev.getStableImage() + "; canary of "
                  + prev.getCanaryImage() + " removed"));
        }
        events.add(new Event(false, "CanaryRestarted", "spec.image changed from " + prev.getCanaryImage()
            + " to " + o.desiredImage() + " during the canary; starting over at step 1"));
        return start(o, prev.getStableImage(), events);
      }
      if (PROMOTING.equals(phase)) {
        return promoting(o, next, events, null);
      }
      if (o.verdict() != null) {
        next.setLastAnalysis(analysisStatus(o.verdict(), o.now()));
        if (o.verdict().outcome() == CanaryAnalysis.Outcome.Failed) {
          return ended(o, next, ROLLED_BACK, events, new Event(true, "CanaryRolledBack",
              "Canary of " + prev.getCanaryImage() + " rolled back at step " + prev.getStep() + ": "
                  + o.verdict().reason()));
        }
      }
      return stepping(o, next, events);
    }

    // no run under way: Promoted, RolledBack, Aborted, or never started
    String stableImage = o.stable().image();
    boolean alreadyJudged = (ROLLED_BACK.equals(phase) || ABORTED.equals(phase))
        && Objects.equals(prev.getCanaryImage(), o.desiredImage());
    if (alreadyJudged) {
      return new Decision(Workload.stable(prev.getStableImage(), n), null, prev, events, null);
    }
    if (!Objects.equals(stableImage, o.desiredImage()) && !o.steps().isEmpty() && n > 0) {
      return start(o, stableImage, events);
    }
    return new Decision(Workload.stable(o.desiredImage(), n), null, prev, events, null);
  }

  private static Decision start(Observation o, String stableImage, List<Event> events) {
    UpgradeStatus next = new UpgradeStatus();
    next.setPhase(PROGRESSING); // stepping() pauses at once, with its event, when spec.upgrade.paused
    next.setStableImage(stableImage);
    next.setCanaryImage(o.desiredImage());
    next.setSteps(o.steps().size());
    next.setStep(1);
    next.setWeight(o.steps().get(0).getWeight());
    events.add(new Event(false, "CanaryStarted", "Canary of " + o.desiredImage() + " started beside "
        + stableImage + ": " + o.steps().size() + " steps, first weight " + o.steps().get(0).getWeight() + " %"));
    // the canary Deployment is new: nothing of it is ready yet
    Observation fresh = new Observation(o.canaryStrategy(), o.steps(), o.progressDeadline(), o.paused(), false,
        o.desiredImage(),
        o.replicas(), o.stable(), null, next, null, o.now());
    return stepping(fresh, next, events);
  }

  /** Holds or advances the current step; scales the stable down only as canary pods become ready. */
  private static Decision stepping(Observation o, UpgradeStatus next, List<Event> events) {
    int n = o.replicas();
    List<CanaryStep> steps = o.steps();
    int index = Math.min(Math.max(1, next.getStep() == null ? 1 : next.getStep()), steps.size()) - 1;
    if (o.paused() && !PAUSED.equals(next.getPhase())) {
      next.setPhase(PAUSED);
      events.add(new Event(false, "CanaryPaused", "Canary paused at step " + (index + 1) + " by spec.upgrade.paused"));
    } else if (!o.paused() && PAUSED.equals(next.getPhase())) {
      next.setPhase(PROGRESSING);
      next.setStepStartedAt(null); // the step's pause, and its wait for pods, start again once resumed
      next.setWaitingSince(null);
      events.add(new Event(false, "CanaryResumed", "Canary resumed at step " + (index + 1)));
    }

    if (!o.paused() && next.getStepStartedAt() != null) {
      Instant started = Instant.parse(next.getStepStartedAt());
      Duration pause = pause(steps.get(index));
      if (!o.now().isBefore(started.plus(pause))) {
        if (index + 1 >= steps.size()) {
          events.add(new Event(false, "CanaryPromoting", "Canary of " + next.getCanaryImage()
              + " passed all " + steps.size() + " steps; the stable Deployment takes it"));
          return promoting(o, next, events, null);
        }
        index++;
        next.setStepStartedAt(null);
      }
    }

    int weight = steps.get(index).getWeight();
    int canaryWanted = canaryReplicas(n, weight);
    int canaryReady = o.canary() == null || !Objects.equals(o.canary().image(), next.getCanaryImage())
        ? 0 : Math.min(o.canary().readyReplicas(), canaryWanted);
    boolean reached = o.canary() != null && o.canary().caughtUp() && canaryReady >= canaryWanted
        && o.canary().replicas() == canaryWanted;
    int stableReplicas = n - canaryReady;
    Duration wake = Duration.ofSeconds(5);
    if (reached) {
      next.setWaitingSince(null);
    } else if (next.getWaitingSince() == null) {
      next.setWaitingSince(o.now().truncatedTo(ChronoUnit.SECONDS).toString());
    } else if (!o.paused() && !o.now().isBefore(Instant.parse(next.getWaitingSince()).plus(o.progressDeadline()))) {
      next.setStep(index + 1);
      next.setWeight(weight);
      return ended(o, next, ROLLED_BACK, events, new Event(true, "CanaryRolledBack",
          "Canary of " + next.getCanaryImage() + " rolled back at step " + (index + 1) + ": " + canaryReady
              + " of " + canaryWanted + " canary pods ready after " + o.progressDeadline().toSeconds()
              + "s (spec.upgrade.canary.progressDeadline)"));
    }
    if (reached && next.getStepStartedAt() == null && !o.paused()) {
      next.setStepStartedAt(o.now().truncatedTo(ChronoUnit.SECONDS).toString());
      events.add(new Event(false, "CanaryStepReached", "Step " + (index + 1) + "/" + steps.size() + ": weight "
          + weight + " %, " + canaryWanted + " of " + n + " pods on " + next.getCanaryImage()
          + " (" + Math.round(100.0 * canaryWanted / n) + " % of the traffic)"));
    }
    if (next.getStepStartedAt() != null && !o.paused()) {
      Instant end = Instant.parse(next.getStepStartedAt()).plus(pause(steps.get(index)));
      Duration left = Duration.between(o.now(), end);
      wake = left.isNegative() || left.isZero() ? Duration.ofMillis(100) : left;
    }
    next.setStep(index + 1);
    next.setSteps(steps.size());
    next.setWeight(weight);
    next.setCanaryReplicas(canaryWanted);
    next.setStableReplicas(stableReplicas);
    next.setMessage(o.paused() ? "Paused at step " + (index + 1) + "/" + steps.size()
        : next.getStepStartedAt() == null
            ? "Waiting for " + canaryWanted + " canary pods to be ready (" + canaryReady + " are)"
            : "Step " + (index + 1) + "/" + steps.size() + " holds until " + Instant.parse(next.getStepStartedAt())
                .plus(pause(steps.get(index))));
    return new Decision(Workload.stable(next.getStableImage(), stableReplicas),
        Workload.canary(next.getCanaryImage(), canaryWanted), next, events, wake);
  }

  /** The stable Deployment takes the canary image on every pod; the canary goes once that is done. */
  private static Decision promoting(Observation o, UpgradeStatus next, List<Event> events, String why) {
    int n = o.replicas();
    String image = next.getCanaryImage();
    if (!PROMOTING.equals(next.getPhase())) {
      next.setPhase(PROMOTING);
      next.setStepStartedAt(null);
      next.setWaitingSince(null);
      if (why != null) {
        events.add(new Event(false, "CanaryPromoting", why));
      }
    }
    DeploymentState s = o.stable();
    boolean rolled = Objects.equals(s.image(), image) && s.replicas() == n && s.caughtUp()
        && s.updatedReplicas() >= n && s.readyReplicas() >= n;
    next.setStableReplicas(n);
    if (rolled) {
      next.setPhase(PROMOTED);
      next.setStableImage(image);
      next.setCanaryReplicas(0);
      next.setMessage("Promoted: all " + n + " pods run " + image);
      events.add(new Event(false, "CanaryPromoted", "Canary of " + image + " promoted; all " + n
          + " pods run it and the canary Deployment is removed"));
      return new Decision(Workload.stable(image, n), null, next, events, null);
    }
    int canaryPods = o.canary() == null ? 0 : o.canary().replicas();
    next.setCanaryReplicas(canaryPods);
    next.setMessage("Promoting: the stable Deployment rolls to " + image + " (" + s.updatedReplicas() + "/" + n
        + " updated, " + s.readyReplicas() + " ready)");
    return new Decision(Workload.stable(image, n), canaryPods > 0 ? Workload.canary(image, canaryPods) : null,
        next, events, Duration.ofSeconds(5));
  }

  /** Rolled back or aborted: the canary goes at once, the stable image serves on every pod. */
  private static Decision ended(Observation o, UpgradeStatus next, String phase, List<Event> events, Event event) {
    next.setPhase(phase);
    next.setStepStartedAt(null);
    next.setWaitingSince(null);
    next.setCanaryReplicas(0);
    next.setStableReplicas(o.replicas());
    next.setMessage(event.message());
    events.add(event);
    return new Decision(Workload.stable(next.getStableImage(), o.replicas()), null, next, events, null);
  }

  static Duration pause(CanaryStep step) {
    return Duration.ofMillis(Durations.toMillis(step.getPause(), DEFAULT_PAUSE.toMillis()));
  }

  static UpgradeStatus.Analysis analysisStatus(CanaryAnalysis.Verdict v, Instant now) {
    UpgradeStatus.Analysis a = new UpgradeStatus.Analysis();
    a.setTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
    a.setVerdict(v.outcome().name());
    a.setCanary(numbers(v.canary()));
    a.setStable(numbers(v.stable()));
    return a;
  }

  private static UpgradeStatus.TrackNumbers numbers(CanaryAnalysis.TrackNumbers t) {
    UpgradeStatus.TrackNumbers n = new UpgradeStatus.TrackNumbers();
    n.setPods(t.pods());
    n.setRequests(t.requests());
    if (!Double.isNaN(t.successRate())) {
      n.setSuccessRate(Math.round(t.successRate() * 10000) / 10000.0);
    }
    if (!Double.isNaN(t.p99Millis())) {
      n.setP99Millis(Math.round(t.p99Millis() * 10) / 10.0);
    }
    return n;
  }

  static UpgradeStatus copy(UpgradeStatus s) {
    UpgradeStatus c = new UpgradeStatus();
    c.setPhase(s.getPhase());
    c.setStableImage(s.getStableImage());
    c.setCanaryImage(s.getCanaryImage());
    c.setStep(s.getStep());
    c.setSteps(s.getSteps());
    c.setWeight(s.getWeight());
    c.setCanaryReplicas(s.getCanaryReplicas());
    c.setStableReplicas(s.getStableReplicas());
    c.setStepStartedAt(s.getStepStartedAt());
    c.setWaitingSince(s.getWaitingSince());
    c.setLastAnalysis(s.getLastAnalysis());
    c.setMessage(s.getMessage());
    return c;
  }
}
