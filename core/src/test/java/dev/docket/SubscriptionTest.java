package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.memory.InMemoryStore;
import dev.docket.spi.AdminStore;
import dev.docket.spi.ApprovalStore;
import dev.docket.spi.JobStore;
import dev.docket.spi.NodeStore;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.Store;
import dev.docket.spi.StoreSignals;
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
    return new Store() {
      @Override
      public JobStore jobs() {
        return s.jobs();
      }

      @Override
      public ApprovalStore approvals() {
        return s.approvals();
      }

      @Override
      public ScheduleStore schedules() {
        return s.schedules();
      }

      @Override
      public AdminStore admin() {
        return s.admin();
      }

      @Override
      public NodeStore nodes() {
        return s.nodes();
      }

      @Override
      public AutoCloseable subscribe(StoreSignals signals) {
        subscribed.incrementAndGet();
        AutoCloseable inner = s.subscribe(signals);
        return () -> {
          unsubscribed.incrementAndGet();
          inner.close();
        };
      }

      @Override
      public void close() {
        s.close();
      }
    };
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
