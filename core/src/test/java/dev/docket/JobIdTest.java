package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class JobIdTest {

  @Test
  void generatedIdsAreVersion7UuidsCarryingTheCurrentTime() {
    long before = System.currentTimeMillis();
    UUID u = UUID.fromString(JobId.random().value());
    long after = System.currentTimeMillis();

    assertThat(u.version()).isEqualTo(7);
    assertThat(u.variant()).isEqualTo(2);
    long millis = u.getMostSignificantBits() >>> 16;
    // the counter may run a few milliseconds ahead of the clock, never behind it
    assertThat(millis).isBetween(before, after + 50);
  }

  @Test
  void idsFromOneJvmRiseStrictlyInTextOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(JobId.random().value());
    }
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("id %d after id %d", i, i - 1).isGreaterThan(ids.get(i - 1));
    }
  }

  @Test
  void concurrentGeneratorsNeverRepeatAnId() throws InterruptedException {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    int threads = 4;
    int each = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  seen.add(JobId.random().value());
                }
              });
      th.start();
      ts.add(th);
    }
    start.countDown();
    for (Thread th : ts) {
      th.join();
    }
    assertThat(seen).hasSize(threads * each);
  }

  @Test
  void theRandomPartDiffersFromIdToIdAcrossRefillsOfTheBuffer() {
    Set<Long> randomParts = new java.util.HashSet<>();
    long ones = 0;
    int n = 1_000; // many times the 64 random longs drawn at once
    for (int i = 0; i < n; i++) {
      UUID u = UUID.fromString(JobId.random().value());
      assertThat(u.variant()).isEqualTo(2);
      long bits = u.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL;
      randomParts.add(bits);
      ones += Long.bitCount(bits);
    }
    assertThat(randomParts).hasSize(n);
    // 62 random bits each: about 31 set; far from 0 or 62 if they are random at all
    assertThat((double) ones / n).isBetween(29.0, 33.0);
  }
}
