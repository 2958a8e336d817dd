package dev.docket.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.bench.BenchDb;
import dev.docket.jdbc.JdbcStore;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.Completion;
import dev.docket.spi.InsertResult;
import dev.docket.spi.JobStore;
import dev.docket.spi.Lease;
import dev.docket.spi.NewJob;
import dev.docket.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Docket's hot store paths through the SPI ({@link JobStore} of a {@link JdbcStore}), on H2 (the
 * {@code JdbcStore.h2} default) and PostgreSQL, single-threaded:
 *
 * <ul>
 *   <li>{@code submit}: insert one queued job;
 *   <li>{@code submitBatch}: insert 1,000 jobs with {@code insertAll} (score per batch);
 *   <li>{@code claim}: claim a batch of {@code claimBatch} due jobs from a ready set of 10,000+;
 *   <li>{@code complete}: store one success under its lease;
 *   <li>{@code completeBatch}: store {@code claimBatch} successes with {@code completeAll}.
 * </ul>
 *
 * Refills (inserting ready jobs, claiming leases to complete) happen in per-invocation set-up,
 * outside the measured time, and only when the stock runs low. Run: {@code bench/jmh.sh} or {@code
 * java -cp 'bench/target/docket-bench.jar:bench/target/lib/*' org.openjdk.jmh.Main JobStoreBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
public class JobStoreBench {

  private static final JsonNode ARGS = JsonNodeFactory.instance.objectNode().put("i", 1);
  private static final NodeId NODE = NodeId.of("jmh");
  private static final Duration LEASE = Duration.ofMinutes(30);

  @Param({"h2", "postgres"})
  public String db;

  @Param({"16"})
  public int claimBatch;

  private BenchDb bench;
  private JdbcStore store;
  JobStore jobs;

  @Setup(Level.Trial)
  public void open() {
    bench = BenchDb.fresh(db, "jmh");
    store =
        bench instanceof BenchDb.H2
            ? JdbcStore.h2(BenchDb.dirOf(bench))
            : JdbcStore.builder(bench.pool(10, "jmh")).build();
    jobs = store.jobs();
  }

  @TearDown(Level.Trial)
  public void close() {
    store.close();
    bench.close();
  }

  static NewJob newJob() {
    Instant now = Instant.now();
    return new NewJob(
        JobId.random(),
        "noop",
        "default",
        JobStatus.QUEUED,
        0,
        ARGS,
        3,
        Optional.empty(),
        "system",
        Optional.empty(),
        Optional.empty(),
        now,
        now);
  }

  void insertReady(int count) {
    for (int done = 0; done < count; done += 1_000) {
      List<NewJob> batch = new ArrayList<>(1_000);
      for (int i = 0; i < Math.min(1_000, count - done); i++) {
        batch.add(newJob());
      }
      jobs.insertAll(batch, "system");
    }
  }

  List<ClaimedJob> claimOnce(int limit) {
    return jobs.claim(new ClaimRequest(NODE, "default", limit, Instant.now(), LEASE));
  }

  /** Keeps at least a claim's worth of ready jobs (refilled 10,000 at a time). */
  @State(Scope.Thread)
  public static class Ready {
    int ready;

    @Setup(Level.Invocation)
    public void refill(JobStoreBench b) {
      if (ready < b.claimBatch) {
        b.insertReady(10_000);
        ready += 10_000;
      }
    }
  }

  /** Keeps claimed leases to complete (claims 1,000 at a time). */
  @State(Scope.Thread)
  public static class Leases {
    final ArrayDeque<Lease> leases = new ArrayDeque<>();

    @Setup(Level.Invocation)
    public void refill(JobStoreBench b) {
      if (leases.size() < b.claimBatch) {
        b.insertReady(2_000);
        int got = 0;
        while (got < 2_000) {
          List<ClaimedJob> c = b.claimOnce(500);
          if (c.isEmpty()) {
            break;
          }
          c.forEach(j -> leases.add(j.lease()));
          got += c.size();
        }
      }
    }
  }

  @Benchmark
  public InsertResult submit() {
    return jobs.insert(newJob(), "system");
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<InsertResult> submitBatch() {
    List<NewJob> batch = new ArrayList<>(1_000);
    for (int i = 0; i < 1_000; i++) {
      batch.add(newJob());
    }
    return jobs.insertAll(batch, "system");
  }

  @Benchmark
  public List<ClaimedJob> claim(Ready r) {
    List<ClaimedJob> c = claimOnce(claimBatch);
    r.ready -= c.size();
    if (c.isEmpty()) {
      r.ready = 0;
    }
    return c;
  }

  @Benchmark
  public Optional<?> complete(Leases l) {
    return jobs.complete(l.leases.poll(), new Outcome.Succeeded(NullNode.instance), Instant.now());
  }

  @Benchmark
  public List<Optional<dev.docket.Job>> completeBatch(Leases l) {
    Instant now = Instant.now();
    List<Completion> batch = new ArrayList<>(claimBatch);
    for (int i = 0; i < claimBatch; i++) {
      batch.add(new Completion(l.leases.poll(), new Outcome.Succeeded(NullNode.instance), now));
    }
    return jobs.completeAll(batch);
  }
}
