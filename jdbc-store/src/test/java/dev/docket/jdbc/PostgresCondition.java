package dev.docket.jdbc;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresPostgres}. */
public final class PostgresCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String problem = PostgresDatabase.problem();
    if (problem == null) {
      return ConditionEvaluationResult.enabled("PostgreSQL reachable at " + PostgresDatabase.URL);
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(
          "PostgreSQL not reachable at " + PostgresDatabase.URL + " and CI=true: " + problem);
    }
    return ConditionEvaluationResult.disabled(
        "PostgreSQL not reachable at 127.0.0.1:5432 (" + problem + "); run .ci/run to start it");
  }
}
