package dev.docket.action;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The host's way to execute a stored notes query on behalf of a task's owner, used by {@link
 * RunQueryAction}. Implementations must be thread-safe and must apply the owner's access rights.
 */
@FunctionalInterface
public interface NotesQuery {

  /**
   * Runs the stored query.
   *
   * @param queryId the task's {@code query_id}
   * @param owner the principal id of the task's owner
   * @return the results: usually an array of objects or strings; an empty array when there are
   *     none
   * @throws Exception when the query could not run; the fire's attempt fails and is retried while
   *     attempts remain
   */
  JsonNode run(String queryId, String owner) throws Exception;
}
