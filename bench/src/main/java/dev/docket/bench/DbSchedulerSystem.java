package dev.docket.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * db-scheduler 16.7.1 as its README recommends for throughput: a one-time task whose instance id
 * is the job index, 8 threads, 100 ms polling, immediate execution enabled, and on PostgreSQL the
 * lock-and-fetch strategy ({@code select for update skip locked}) with the README's high-throughput
 * fractions (1.0, 4.0). H2 has no lock-and-fetch support in db-scheduler, so there it uses the
 * default fetch-and-lock-on-execute (0.5, 3.0). Batch enqueue: {@code scheduleBatch}.
 */
final class DbSchedulerSystem implements QueueSystem {

  static final String PG_DDL =
      """
      create table scheduled_tasks (
        task_name text not null,
        task_instance text not null,
        task_data bytea,
        execution_time timestamp with time zone not null,
        picked BOOLEAN not null,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures INT,
        last_heartbeat timestamp with time zone,
        version BIGINT not null,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance));
      CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
      CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
      CREATE INDEX priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
      """;

  static final String H2_DDL =
      """
      create table scheduled_tasks (
        task_name varchar(100) not null,
        task_instance varchar(100) not null,
        task_data blob,
        execution_time timestamp with time zone not null,
        picked boolean not null,
        picked_by varchar(50),
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures int,
        last_heartbeat timestamp with time zone,
        version bigint not null,
        priority smallint,
        primary key (task_name, task_instance));
      create index execution_time_idx on scheduled_tasks (execution_time);
      create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
      create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
      """;

  private final BenchDb db;
  private final int workers;
  private final OneTimeTask<Void> task =
      Tasks.oneTime("noop")
          .execute((inst, ctx) -> Recorder.current().hit(Integer.parseInt(inst.getId())));
  private Scheduler scheduler;

  DbSchedulerSystem(BenchDb db, int workers) {
    this.db = db;
    this.workers = workers;
  }

  @Override
  public String name() {
    return "db-scheduler";
  }

  @Override
  public void prepare() throws Exception {
    DataSource ds = db.pool(POOL, "db-scheduler");
    try (Connection c = ds.getConnection()) {
      BenchDb.runScript(c, db.isPostgres() ? PG_DDL : H2_DDL);
    }
    SchedulerBuilder b =
        Scheduler.create(ds, task)
            .threads(workers)
            .pollingInterval(Duration.ofMillis(100))
            .enableImmediateExecution()
            .schedulerName(new SchedulerName.Fixed("bench"));
    if (db.isPostgres()) {
      b.pollUsingLockAndFetch(1.0, 4.0);
    }
    scheduler = b.build(); // its client schedules into the table before it starts
  }

  @Override
  public void startWorkers() {
    scheduler.start();
  }

  @Override
  public void enqueueBatch(int from, int count) {
    List<TaskInstance<?>> batch = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      batch.add(task.instance(Integer.toString(i)));
    }
    scheduler.scheduleBatch(batch, Instant.now());
  }

  @Override
  public void enqueueOne(int index) {
    scheduler.schedule(task.instance(Integer.toString(index)), Instant.now());
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.stop();
    }
  }
}
