package dev.archway.operator.upgrade;

import static dev.archway.operator.upgrade.CanaryStateMachine.decide;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.CanaryStep;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.operator.render.Workload;
import dev.archway.operator.upgrade.CanaryStateMachine.Decision;
import dev.archway.operator.upgrade.CanaryStateMachine.DeploymentState;
import dev.archway.operator.upgrade.CanaryStateMachine.Event;
import dev.archway.operator.upgrade.CanaryStateMachine.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canary as a sequence of observations and decisions, with a simulated Deployment
 * controller that makes every asked-for pod ready: what the user sees step by step.
 */
class CanaryStateMachineTest {

  static final String OLD = "gw:1";
  static final String NEW = "gw:2";
  static final List<CanaryStep> STEPS = List.of(new CanaryStep(10, "1m"), new CanaryStep(50, "1m"),
      new CanaryStep(100, "30s"));
  static final Duration DEADLINE = Duration.ofMinutes(10);

  /** A cluster of 3 pods under Canary, run by a Deployment controller that is instantly done. */
  static final class World {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    String desired = NEW;
    boolean paused;
    boolean abort;
    DeploymentState stable = new DeploymentState(OLD, 3, 3, 3, true);
    DeploymentState canary;
    UpgradeStatus status;
    final List<Event> events = new java.util.ArrayList<>();

    Decision step(CanaryAnalysis.Verdict verdict) {
      Decision d = decide(new Observation(true, STEPS, DEADLINE, paused, abort, desired, 3, stable, canary, status, verdict, now));
      events.addAll(d.events());
      status = d.status();
      // the Deployments converge at once
      stable = new DeploymentState(d.stable().image(), d.stable().replicas(), d.stable().replicas(), d.stable().replicas(), true);
      canary = d.canary() == null ? null
          : new DeploymentState(d.canary().image(), d.canary().replicas(), d.canary().replicas(), d.canary().replicas(), true);
      return d;
    }

    Decision step() {
      return step(null);
    }

    List<String> reasons() {
      return events.stream().map(Event::reason).toList();
    }
  }

  static CanaryAnalysis.Verdict verdict(CanaryAnalysis.Outcome outcome) {
    var numbers = new CanaryAnalysis.TrackNumbers(1, 100, outcome == CanaryAnalysis.Outcome.Failed ? 0.5 : 1.0, 12.0);
    return new CanaryAnalysis.Verdict(outcome, numbers, numbers, "success rate 0.5000 is below 0.9900");
  }

  @Test
  void canaryGoesThroughItsStepsKeepingThreePodsAndIsPromoted() {
    World w = new World();
    Decision d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    // the canary pod is asked for while all three stable pods keep serving
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 1));
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
    assertThat(w.reasons()).containsExactly("CanaryStarted");

    d = w.step(); // the canary pod is ready: the stable gives one pod up, the pause starts
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 2));
    assertThat(d.status().getStepStartedAt()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(d.wakeUpAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(w.reasons()).containsExactly("CanaryStarted", "CanaryStepReached");

    w.now = w.now.plusSeconds(59);
    assertThat(w.step().status().getStep()).isEqualTo(1);
    w.now = w.now.plusSeconds(1);
    d = w.step(); // weight 50 of 3 pods: ceil(1.5) = 2 canary pods; the stable waits for them
    assertThat(d.status().getStep()).isEqualTo(2);
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 2));
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 2));
    d = w.step();
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 1));

    w.now = w.now.plusSeconds(60);
    w.step();
    d = w.step();
    assertThat(d.status().getStep()).isEqualTo(3);
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 3));
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 0));

    w.now = w.now.plusSeconds(30);
    d = w.step(); // last pause over: the stable takes the new image on all pods, the canary stays meanwhile
    assertThat(d.status().getPhase()).isEqualTo("Promoting");
    assertThat(d.stable()).isEqualTo(Workload.stable(NEW, 3));
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 3));

    d = w.step(); // stable rolled: canary removed
    assertThat(d.status().getPhase()).isEqualTo("Promoted");
    assertThat(d.status().getStableImage()).isEqualTo(NEW);
    assertThat(d.canary()).isNull();
    assertThat(d.wakeUpAfter()).isNull();
    assertThat(w.reasons()).containsSubsequence("CanaryStarted", "CanaryStepReached", "CanaryStepReached",
        "CanaryStepReached", "CanaryPromoting", "CanaryPromoted");

    // nothing more happens until spec.image changes again
    assertThat(w.step().events()).isEmpty();
    assertThat(w.status.getPhase()).isEqualTo("Promoted");
  }

  @Test
  void promotionWaitsUntilTheStableDeploymentHasRolledEveryPod() {
    World w = new World();
    w.status = status("Promoting", 3);
    w.canary = new DeploymentState(NEW, 3, 3, 3, true);
    w.stable = new DeploymentState(NEW, 3, 3, 1, true); // one of three updated
    Decision d = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, w.stable, w.canary, w.status, null, w.now));
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 3));
    assertThat(d.status().getPhase()).isEqualTo("Promoting");
  }

  @Test
  void failedAnalysisRollsBackAtOnceAndTheSameImageIsNotTriedAgain() {
    World w = new World();
    w.step();
    w.step();
    Decision d = w.step(verdict(CanaryAnalysis.Outcome.Failed));
    assertThat(d.status().getPhase()).isEqualTo("RolledBack");
    assertThat(d.canary()).isNull();
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
    assertThat(d.status().getLastAnalysis().getVerdict()).isEqualTo("Failed");
    assertThat(d.status().getLastAnalysis().getCanary().getSuccessRate()).isEqualTo(0.5);
    assertThat(d.status().getMessage()).contains("rolled back at step 1", "0.5000");
    assertThat(w.events.get(w.events.size() - 1).warning()).isTrue();

    // spec.image still names the bad image: the stable keeps the old one, no new canary
    for (int i = 0; i < 3; i++) {
      w.now = w.now.plusSeconds(600);
      d = w.step();
      assertThat(d.canary()).isNull();
      assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
      assertThat(d.status().getPhase()).isEqualTo("RolledBack");
    }

    // a new image starts a new canary
    w.desired = "gw:3";
    d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    assertThat(d.status().getCanaryImage()).isEqualTo("gw:3");
    assertThat(d.status().getStableImage()).isEqualTo(OLD);
    assertThat(d.canary()).isEqualTo(Workload.canary("gw:3", 1));
  }

  @Test
  void passingOrInconclusiveAnalysisLetsTheStepsGoOn() {
    World w = new World();
    w.step();
    w.step();
    assertThat(w.step(verdict(CanaryAnalysis.Outcome.Inconclusive)).status().getPhase()).isEqualTo("Progressing");
    Decision d = w.step(verdict(CanaryAnalysis.Outcome.Passed));
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    assertThat(d.status().getLastAnalysis().getVerdict()).isEqualTo("Passed");
  }

  @Test
  void pauseHoldsTheStepAndResumeRestartsItsPause() {
    World w = new World();
    w.step();
    w.step();
    w.paused = true;
    Decision d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Paused");
    w.now = w.now.plusSeconds(3600);
    d = w.step();
    assertThat(d.status().getStep()).isEqualTo(1);
    assertThat(d.canary()).isEqualTo(Workload.canary(NEW, 1));

    // a failing canary is rolled back even while paused
    World failing = new World();
    failing.step();
    failing.step();
    failing.paused = true;
    failing.step();
    assertThat(failing.step(verdict(CanaryAnalysis.Outcome.Failed)).status().getPhase()).isEqualTo("RolledBack");

    w.paused = false;
    d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    assertThat(d.status().getStepStartedAt()).isEqualTo(w.now.toString());
    w.now = w.now.plusSeconds(30);
    assertThat(w.step().status().getStep()).isEqualTo(1);
    w.now = w.now.plusSeconds(30);
    assertThat(w.step().status().getStep()).isEqualTo(2);
    assertThat(w.reasons()).contains("CanaryPaused", "CanaryResumed");
  }

  @Test
  void canaryPodsThatNeverGetReadyAreRolledBackAfterTheProgressDeadline() {
    World w = new World();
    w.step();
    // the canary image does not start: its Deployment never reports a ready pod
    w.canary = new DeploymentState(NEW, 1, 0, 1, true);
    Decision d = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, w.stable, w.canary, w.status, null, w.now));
    assertThat(d.status().getWaitingSince()).isEqualTo(w.now.toString());
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
    w.status = d.status();
    d = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, w.stable, w.canary, w.status, null,
        w.now.plus(DEADLINE).minusSeconds(1)));
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    d = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, w.stable, w.canary, w.status, null,
        w.now.plus(DEADLINE)));
    assertThat(d.status().getPhase()).isEqualTo("RolledBack");
    assertThat(d.status().getMessage()).contains("0 of 1 canary pods ready after 600s", "progressDeadline");
    assertThat(d.canary()).isNull();
  }

  @Test
  void abortRemovesTheCanaryAndKeepsTheStableImage() {
    World w = new World();
    w.step();
    w.step();
    w.abort = true;
    Decision d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Aborted");
    assertThat(d.canary()).isNull();
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
    assertThat(w.reasons()).endsWith("CanaryAborted");
    w.abort = false;
    assertThat(w.step().canary()).isNull();
  }

  @Test
  void imageBackToStableAbortsAndAnotherNewImageRestartsTheCanary() {
    World w = new World();
    w.step();
    w.step();
    w.desired = "gw:3";
    Decision d = w.step();
    assertThat(d.status().getCanaryImage()).isEqualTo("gw:3");
    assertThat(d.status().getStep()).isEqualTo(1);
    // the canary Deployment still runs gw:2: none of its pods count, the stable keeps all three
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
    assertThat(w.reasons()).contains("CanaryRestarted");

    w.desired = OLD;
    d = w.step();
    assertThat(d.status().getPhase()).isEqualTo("Aborted");
    assertThat(d.canary()).isNull();
    assertThat(d.stable()).isEqualTo(Workload.stable(OLD, 3));
  }

  @Test
  void aRestartedOperatorContinuesFromStatusAndDeployments() {
    World w = new World();
    w.step();
    w.step();
    w.now = w.now.plusSeconds(60);
    w.step();
    // a new operator sees only what is stored: status.upgrade and the Deployments
    UpgradeStatus stored = CanaryStateMachine.copy(w.status);
    Decision restarted = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, w.stable, w.canary, stored, null, w.now));
    Decision continued = w.step();
    assertThat(restarted).isEqualTo(continued);
    assertThat(restarted.status().getStep()).isEqualTo(2);
    assertThat(restarted.canary()).isEqualTo(Workload.canary(NEW, 2));
    assertThat(restarted.events()).extracting(Event::reason).containsExactly("CanaryStepReached");
  }

  @Test
  void noCanaryForANewClusterOrUnderRolling() {
    Decision fresh = decide(new Observation(true, STEPS, DEADLINE, false, false, NEW, 3, null, null, null, null, Instant.now()));
    assertThat(fresh.stable()).isEqualTo(Workload.stable(NEW, 3));
    assertThat(fresh.canary()).isNull();
    Decision rolling = decide(new Observation(false, List.of(), DEADLINE, false, false, NEW, 3,
        new DeploymentState(OLD, 3, 3, 3, true), null, null, null, Instant.now()));
    assertThat(rolling.stable()).isEqualTo(Workload.stable(NEW, 3));
    assertThat(rolling.canary()).isNull();
    assertThat(rolling.status()).isNull();
  }

  @Test
  void weightBecomesAReplicaRatioInStepsOfOnePod() {
    assertThat(List.of(1, 10, 33, 34, 50, 67, 100).stream()
        .map(weight -> CanaryStateMachine.canaryReplicas(3, weight)).toList())
        .containsExactly(1, 1, 1, 2, 2, 3, 3);
    assertThat(CanaryStateMachine.canaryReplicas(10, 25)).isEqualTo(3);
    assertThat(CanaryStateMachine.canaryReplicas(0, 50)).isZero();
  }

  static UpgradeStatus status(String phase, int step) {
    UpgradeStatus s = new UpgradeStatus();
    s.setPhase(phase);
    s.setStableImage(OLD);
    s.setCanaryImage(NEW);
    s.setStep(step);
    s.setSteps(STEPS.size());
    return s;
  }
}
