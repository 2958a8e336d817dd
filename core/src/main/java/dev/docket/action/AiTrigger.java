package dev.docket.action;

import org.jspecify.annotations.Nullable;

/**
 * The host's way to engage an AI in a room with a prompt, used by {@link TriggerAiAction}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AiTrigger {

  /**
   * Starts the AI on the prompt in the room.
   *
   * @return what to record as the fire's job result (anything Jackson can turn into JSON, such as
   *     a run id), or {@code null} for none
   * @throws Exception when the AI could not be engaged; the fire's attempt fails and is retried
   *     while attempts remain
   */
  @Nullable Object trigger(String roomId, String prompt) throws Exception;
}
