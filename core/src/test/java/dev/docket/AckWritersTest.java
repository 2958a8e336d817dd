package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.memory.InMemoryStore;
import dev.docket.spi.Store;
import dev.docket.testkit.InterceptedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A store that hints more than one ack writer gets a second one while the outcomes queue up. */
class AckWritersTest {

  private final Set<String> writers = ConcurrentHashMap.newKeySet();
  private final CountDownLatch firstWriteMayEnd = new CountDownLatch(1);

  /** The in-memory store, hinting {@code ackWriters}; the first outcome write waits for the latch. */
  private Store store(InMemoryStore store, int ackWriters) {
    return InterceptedStore.of(
        store,
        method -> {
          if (method.startsWith("complete")) {
            writers.add(Thread.currentThread().getName());
            if (Thread.currentThread().getName().equals("docket-acker")) {
              firstWriteMayEnd.await(10, TimeUnit.SECONDS);
            }
          }
        },
        java.util.Map.of("ackWriters", ackWriters));
  }

  private List<Job> runJobs(InMemoryStore backing, int ackWriters, int n) {
    List<Job> submitted = new ArrayList<>();
    try (Docket d =
        Docket.builder()
            .store(store(backing, ackWriters))
            .workers("default", 4)
            .handler("noop", ctx -> null)
            .build()
            .start()) {
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        requests.add(JobRequest.builder("noop").build());
      }
      submitted.addAll(d.jobs().submitAll(requests));
      if (ackWriters > 1) {
        // the first writer is held: the outcomes pile up until a second writer takes them
        await().atMost(Duration.ofSeconds(10)).until(() -> writers.contains("docket-acker-2"));
      } else {
        await().atMost(Duration.ofSeconds(10)).until(() -> writers.contains("docket-acker"));
      }
      firstWriteMayEnd.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> backing.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), Optional.empty(), 1000).items().size() == n);
    }
    return submitted;
  }

  @Test
  void aSecondWriterStoresOutcomesWhileTheFirstIsHeld() {
    InMemoryStore backing = new InMemoryStore();
    runJobs(backing, 2, 600);
    assertThat(writers).contains("docket-acker", "docket-acker-2");
  }

  @Test
  void oneWriterByDefault() {
    InMemoryStore backing = new InMemoryStore();
    assertThat(new InMemoryStore().ackWriters()).isEqualTo(1);
    runJobs(backing, 1, 600);
    assertThat(writers).containsExactly("docket-acker");
  }
}
