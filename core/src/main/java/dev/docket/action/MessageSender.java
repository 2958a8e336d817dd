package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The host's way to post a message to a room, used by {@link SendMessageAction} and {@link
 * RunQueryAction}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface MessageSender {

  /**
   * Posts one message.
   *
   * @param roomId the room, as the task's {@code room_id} gives it
   * @param content a Matrix-style message object with at least {@code msgtype} and {@code body}
   *     strings, for example {@code {"msgtype": "m.text", "body": "Monday status check"}}; a copy
   *     the sender may keep
   * @throws Exception when the message could not be posted; the fire's attempt fails and is
   *     retried while attempts remain
   */
  void send(String roomId, JsonNode content) throws Exception;
}
