package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;

/**
 * What a {@link JobHandler} knows about the attempt it runs. Valid only during that call; safe to
 * use from threads the handler starts while it waits for them.
 */
public interface JobContext {

  JobId jobId();

  String function();

  String queue();

  /** The owner's principal id. */
  String owner();

  Optional<String> correlationId();

  /** The arguments as a JSON tree; do not modify it. */
  JsonNode args();

  /**
   * The arguments bound to a type (a record, say).
   *
   * @throws InvalidRequestException naming {@code args} when they do not fit the type
   */
  <T> T args(Class<T> type);

  /** This attempt's number, 1 for the first. */
  int attempt();

  int maxAttempts();

  /** The engine's clock: use it instead of the system clock so that tests stay in control. */
  Clock clock();

  /** Whether a cancel was requested; a handler should stop soon when it was. */
  boolean isCancelled();

  /**
   * Throws {@link JobCancelledException} when a cancel was requested: a convenient check point
   * for loops.
   */
  void checkCancelled();

  /**
   * Reports progress to the engine's listeners and the log.
   *
   * @param percent 0 to 100
   * @param message a short note, possibly empty
   */
  void progress(int percent, String message);
}
