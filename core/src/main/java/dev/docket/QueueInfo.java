package dev.docket;

/**
 * A queue as the admin sees it.
 *
 * @param queue the queue's name
 * @param paused whether claiming from it is paused (on every node)
 * @param workers workers serving it on the registered nodes
 */
public record QueueInfo(String queue, boolean paused, int workers) {

  public QueueInfo {
    Checks.queue("queue", queue);
    if (workers < 0) {
      throw new IllegalArgumentException("workers must be >= 0");
    }
  }
}
