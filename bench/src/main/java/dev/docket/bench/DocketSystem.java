package dev.docket.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.Docket;
import dev.docket.JobRequest;
import dev.docket.jdbc.JdbcStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Docket with its defaults: {@code JdbcStore.h2(dir)} on H2 (its own pool of 8), {@code
 * JdbcStore.builder(pool)} on PostgreSQL; {@code workers("default", n)}; batch submit with {@code
 * jobs().submitAll}.
 */
final class DocketSystem implements QueueSystem {

  private final BenchDb db;
  private final int workers;
  private Docket docket;

  DocketSystem(BenchDb db, int workers) {
    this.db = db;
    this.workers = workers;
  }

  static JdbcStore store(BenchDb db, String poolName) {
    if (db instanceof BenchDb.H2 h2) {
      return JdbcStore.h2(h2.dir());
    }
    return JdbcStore.builder(db.pool(POOL, poolName)).build();
  }

  static Docket engine(JdbcStore store, int workers) {
    Docket.Builder b = Docket.builder();
    int prefetch = Integer.getInteger("docket.bench.prefetch", -1);
    if (prefetch >= 0) {
      b.prefetch(prefetch); // for experiments only: the measured runs use Docket's default
    }
    return b
        .store(store)
        .workers("default", workers)
        .handler(
            "noop",
            ctx -> {
              Recorder.current().hit(ctx.args().get("i").asInt());
              return null;
            })
        .build();
  }

  static JobRequest request(int i) {
    return JobRequest.builder("noop").args(JsonNodeFactory.instance.objectNode().put("i", i)).build();
  }

  @Override
  public String name() {
    return "docket";
  }

  @Override
  public void prepare() {
    docket = engine(store(db, "docket"), workers); // not started: a submit claims nothing
  }

  @Override
  public void startWorkers() {
    docket.start();
  }

  @Override
  public void enqueueBatch(int from, int count) {
    docket.jobs().submitAll(requests(from, count));
  }

  static List<JobRequest> requests(int from, int count) {
    List<JobRequest> batch = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      batch.add(request(i));
    }
    return batch;
  }

  @Override
  public void enqueueOne(int index) {
    docket.jobs().submit(request(index));
  }

  @Override
  public void close() {
    if (docket != null) {
      docket.close();
    }
  }

  /**
   * Two Docket nodes on one PostgreSQL database (each its own pool and engine): jobs are submitted
   * on a producer-only node and run on the other, so a pick-up goes through the database and its
   * LISTEN/NOTIFY wake-up (W2's cross-node case).
   */
  static final class TwoNodes implements QueueSystem {
    private final BenchDb db;
    private final int workers;
    private Docket producer;
    private Docket worker;

    TwoNodes(BenchDb db, int workers) {
      if (!db.isPostgres()) {
        throw new IllegalArgumentException("docket-2nodes needs PostgreSQL (an H2 file has one process)");
      }
      this.db = db;
      this.workers = workers;
    }

    @Override
    public String name() {
      return "docket-2nodes";
    }

    @Override
    public void prepare() {
      worker = engine(store(db, "docket-worker"), workers);
      producer =
          Docket.builder()
              .store(store(db, "docket-producer"))
              .producerOnly()
              .build()
              .start();
    }

    @Override
    public void startWorkers() {
      worker.start();
    }

    @Override
    public void enqueueBatch(int from, int count) {
      producer.jobs().submitAll(requests(from, count));
    }

    @Override
    public void enqueueOne(int index) {
      producer.jobs().submit(request(index));
    }

    @Override
    public void close() {
      if (producer != null) {
        producer.close();
      }
      if (worker != null) {
        worker.close();
      }
    }
  }
}
