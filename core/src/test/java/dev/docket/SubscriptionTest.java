package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.memory.InMemoryStore;
import dev.docket.spi.Store;
import dev.docket.spi.StoreSignals;
import dev.docket.testkit.InterceptedStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which engines listen for other nodes' signals: those that run jobs. A producer-only engine has
 * nothing to claim or cancel, and on PostgreSQL each subscription is a LISTEN connection that every
 * submit of every node would wake.
 */
class SubscriptionTest {

  private final InMemoryStore shared = new InMemoryStore();
  private final AtomicInteger subscribed = new AtomicInteger();
  private final AtomicInteger unsubscribed = new AtomicInteger();

  /** The shared in-memory store, counting subscriptions. */
  private Store counting() {
    InMemoryStore s = shared.peer();
    InterceptedStore.Answer subscribe =
        args -> {
          subscribed.incrementAndGet();
          AutoCloseable inner = s.subscribe((StoreSignals) args[0]);
          return (AutoCloseable)
              () -> {
                unsubscribed.incrementAndGet();
                inner.close();
              };
        };
    return InterceptedStore.of(s, method -> {}, Map.of("subscribe", subscribe));
  }

  @Test
  void aProducerOnlyEngineDoesNotSubscribe() {
    try (Docket producer = Docket.builder().store(counting()).producerOnly().build().start()) {
      assertThat(producer.jobs().submit(JobRequest.builder("elsewhere").build()).status()).isEqualTo(JobStatus.QUEUED);
      assertThat(subscribed).hasValue(0);
    }
    assertThat(unsubscribed).hasValue(0);
  }

  @Test
  void anEngineWithWorkersSubscribesOnceAndUnsubscribesOnClose() {
    try (Docket worker =
        Docket.builder().store(counting()).workers("default", 1).handler("x", ctx -> null).build().start()) {
      assertThat(subscribed).hasValue(1);
      assertThat(unsubscribed).hasValue(0);
    }
    assertThat(unsubscribed).hasValue(1);
  }
}
