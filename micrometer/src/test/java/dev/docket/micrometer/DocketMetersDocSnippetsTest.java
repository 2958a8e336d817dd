package dev.docket.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.docket.Docket;
import dev.docket.JobHandler;
import dev.docket.JobRequest;
import dev.docket.memory.InMemoryStore;
import dev.docket.spi.Store;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The code blocks of docs/micrometer.md, compiled and run. */
class DocketMetersDocSnippetsTest {

  @Test
  void usageSnippetCountsAJobAndPercentileFilterAppliesToDocketTimers() {
    MeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().startsWith("docket.job.")
            ? DistributionStatisticConfig.builder().percentiles(0.5, 0.95, 0.99).build().merge(config)
            : config;
      }
    });
    Store store = new InMemoryStore();
    JobHandler sendEmail = ctx -> "sent";

    DocketMeters meters = new DocketMeters();          // or new DocketMeters(maxFunctions)
    Docket docket = Docket.builder()
        .store(store)
        .workers("default", 4)
        .handler("send-email", sendEmail)
        .listener(meters)
        .build();
    meters.bindTo(registry);                            // before start(): nothing finishes uncounted
    meters.watch(docket);
    docket.start();

    try (docket) {
      docket.jobs().submit(JobRequest.builder("send-email").build());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.find("docket.jobs.finished").tag("outcome", "succeeded").counter() != null);
      Timer run = registry.get("docket.job.run").tags("queue", "default", "function", "send-email").timer();
      assertThat(run.count()).isEqualTo(1);
      assertThat(run.takeSnapshot().percentileValues()).hasSize(3);
    }
    registry.close();
  }
}
