package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * What a scheduled task does when it fires, by name. Each fire runs as a job whose function is the
 * action's name, so it gets retries, history and metrics like any other job.
 *
 * <p>Implementations must be thread-safe: one instance serves every task and fire, on many worker
 * threads at once. Because jobs run at least once, {@link #run} may run again for the same fire
 * after a crash; make it idempotent where the effect allows.
 */
public interface Action {

  /**
   * The name tasks refer to, unique within a registry: lowercase, starting with a letter, as
   * {@code send_message} ({@link dev.docket.ActionRegistry#NAME_RULE}). Must not change.
   */
  String name();

  /**
   * Checks a task's arguments. Called up front when a task is created or updated (so that nothing
   * is stored on bad input) and again before each fire runs. Must be quick and free of side
   * effects: no I/O.
   *
   * @param args the task's arguments as given, possibly not an object at all
   * @throws dev.docket.InvalidRequestException naming the offending field as {@code args.<path>}
   *     (for example {@code args.room_id} or {@code args.content.msgtype}), or {@code args} when
   *     they are not a JSON object
   */
  void validate(JsonNode args);

  /**
   * Performs one fire. The arguments have passed {@link #validate} just before.
   *
   * @return the job's result (anything Jackson can turn into JSON), or {@code null} for none
   * @throws Exception to fail this attempt, which is retried while the job has attempts left
   */
  @Nullable Object run(ActionContext ctx) throws Exception;
}
