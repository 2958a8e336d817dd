package dev.docket.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.DocketEvent;
import dev.docket.InvalidRequestException;
import dev.docket.JobCancelledException;
import dev.docket.JobContext;
import dev.docket.JobId;
import dev.docket.internal.json.Json;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link JobContext} of one attempt. */
final class WorkerContext implements JobContext {

  private static final Logger log = LoggerFactory.getLogger(WorkerContext.class);

  private final RunningJob run;
  private final Engine engine;

  WorkerContext(RunningJob run, Engine engine) {
    this.run = run;
    this.engine = engine;
  }

  @Override
  public JobId jobId() {
    return run.job.id();
  }

  @Override
  public String function() {
    return run.job.function();
  }

  @Override
  public String queue() {
    return run.job.queue();
  }

  @Override
  public String owner() {
    return run.job.owner();
  }

  @Override
  public Optional<String> correlationId() {
    return run.job.correlationId();
  }

  @Override
  public JsonNode args() {
    return run.job.args();
  }

  @Override
  public <T> T args(Class<T> type) {
    Objects.requireNonNull(type, "type");
    try {
      T value = Json.MAPPER.treeToValue(run.job.args(), type);
      if (value == null) {
        throw new InvalidRequestException("args", "are JSON null; expected " + type.getSimpleName());
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidRequestException(
          "args", "do not fit " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  @Override
  public int attempt() {
    return run.job.attempts();
  }

  @Override
  public int maxAttempts() {
    return run.job.maxAttempts();
  }

  @Override
  public Clock clock() {
    return engine.settings().clock();
  }

  @Override
  public boolean isCancelled() {
    return run.isCancelRequested() || run.isLeaseLost();
  }

  @Override
  public void checkCancelled() {
    if (isCancelled()) {
      throw new JobCancelledException(run.job.id());
    }
  }

  @Override
  public void progress(int percent, String message) {
    int p = Math.max(0, Math.min(100, percent));
    String m = message == null ? "" : message;
    log.debug("progress {}% {}", p, m);
    engine.publish(new DocketEvent.JobProgress(run.job.id(), p, m));
  }
}
