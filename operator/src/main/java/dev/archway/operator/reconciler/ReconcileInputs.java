package dev.archway.operator.reconciler;

import dev.archway.operator.OperatorSettings;
import dev.archway.operator.translate.Translation;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * What the reconciler computed once per reconciliation and the dependents render from.
 *
 * @param translation the translated config and route verdicts
 * @param settings the operator's settings
 */
record ReconcileInputs(Translation translation, OperatorSettings settings) {

  private static final String KEY = ReconcileInputs.class.getName();

  void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static ReconcileInputs of(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ReconcileInputs.class);
  }
}
