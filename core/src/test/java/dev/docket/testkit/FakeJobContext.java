package dev.docket.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.InvalidRequestException;
import dev.docket.JobCancelledException;
import dev.docket.JobContext;
import dev.docket.JobId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A hand-written {@link JobContext} for testing handlers without an engine: fixed ids and args, a
 * settable cancel flag, and the progress reports it received. Not thread-safe.
 */
public final class FakeJobContext implements JobContext {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JobId jobId;
  private final String function;
  private final String owner;
  private final @Nullable String correlationId;
  private final JsonNode args;
  private final Clock clock;
  private boolean cancelled;
  private final List<String> progress = new ArrayList<>();

  public FakeJobContext(
      JobId jobId, String function, String owner, @Nullable String correlationId, JsonNode args) {
    this.jobId = jobId;
    this.function = function;
    this.owner = owner;
    this.correlationId = correlationId;
    this.args = args;
    this.clock = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);
  }

  /** Makes {@link #isCancelled()} true from now on. */
  public FakeJobContext cancel() {
    cancelled = true;
    return this;
  }

  /** The progress reports, as {@code percent:message}. */
  public List<String> progressReports() {
    return progress;
  }

  @Override
  public JobId jobId() {
    return jobId;
  }

  @Override
  public String function() {
    return function;
  }

  @Override
  public String queue() {
    return "default";
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  @Override
  public JsonNode args() {
    return args;
  }

  @Override
  public <T> T args(Class<T> type) {
    try {
      T value = MAPPER.treeToValue(args, type);
      if (value == null) {
        throw new InvalidRequestException("args", "are JSON null");
      }
      return value;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidRequestException("args", "do not fit " + type.getSimpleName());
    }
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public int maxAttempts() {
    return 3;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void checkCancelled() {
    if (cancelled) {
      throw new JobCancelledException(jobId);
    }
  }

  @Override
  public void progress(int percent, String message) {
    progress.add(percent + ":" + message);
  }
}
