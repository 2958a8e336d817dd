package dev.docket.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz 2.5.2 with the JDBC {@code JobStoreTX} on the tables its jar ships ({@code tables_h2.sql},
 * {@code tables_postgres.sql}), the bench's HikariCP pool as its connection provider (no c3p0), a
 * thread pool of 8, batch trigger acquisition of up to 8 within the lock, not clustered (single
 * node: in-JVM locking, Quartz's fastest JDBC mode), and a misfire threshold of one hour so that a
 * backlog of jobs due now is fired in order rather than handed to the misfire handler. Each job is
 * a non-durable {@code JobDetail} with a fire-now {@code SimpleTrigger}; batch enqueue: {@code
 * scheduleJobs(map, false)}.
 */
final class QuartzSystem implements QueueSystem {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private final BenchDb db;
  private final int workers;
  private final String name = "bench" + SEQ.incrementAndGet();
  private Scheduler scheduler;

  QuartzSystem(BenchDb db, int workers) {
    this.db = db;
    this.workers = workers;
  }

  /** The job Quartz instantiates for each fire. */
  public static final class Noop implements Job {
    public Noop() {}

    @Override
    public void execute(JobExecutionContext context) {
      Recorder.current().hit(context.getMergedJobDataMap().getInt("i"));
    }
  }

  /** W5: the job of each cron trigger; records now minus the trigger's scheduled fire time. */
  public static final class Late implements Job {
    public Late() {}

    @Override
    public void execute(JobExecutionContext context) {
      java.time.Instant now = java.time.Instant.now();
      java.time.Instant due = context.getScheduledFireTime().toInstant();
      W5Recorder.current()
          .fired(
              context.getMergedJobDataMap().getInt("i"),
              due,
              java.time.Duration.between(due, now).toNanos() / 1e6);
    }
  }

  /**
   * W5: schedules {@code count} durable jobs, each with a {@code CronTrigger} {@code 0 * * * * ?}
   * (second 0 of every minute, the same as crontab {@code * * * * *}), in batches of 1,000.
   */
  void scheduleCron(int count) throws Exception {
    for (int from = 0; from < count; from += 1_000) {
      Map<JobDetail, Set<? extends Trigger>> batch = new HashMap<>();
      for (int i = from; i < Math.min(count, from + 1_000); i++) {
        JobDetail j =
            JobBuilder.newJob(Late.class).withIdentity("cron" + i, "w5").usingJobData("i", i).build();
        Trigger t =
            TriggerBuilder.newTrigger()
                .withIdentity("cront" + i, "w5")
                .withSchedule(CronScheduleBuilder.cronSchedule("0 * * * * ?"))
                .build();
        batch.put(j, Set.of(t));
      }
      scheduler.scheduleJobs(batch, false);
    }
  }

  @Override
  public String name() {
    return "quartz";
  }

  @Override
  public void prepare() throws Exception {
    DataSource ds = db.pool(POOL, "quartz");
    String ddl = db.isPostgres() ? "tables_postgres.sql" : "tables_h2.sql";
    try (InputStream in =
            Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/" + ddl);
        Connection c = ds.getConnection()) {
      BenchDb.runScript(c, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    DBConnectionManager.getInstance()
        .addConnectionProvider(
            name,
            new ConnectionProvider() {
              @Override
              public Connection getConnection() throws SQLException {
                return ds.getConnection();
              }

              @Override
              public void shutdown() {}

              @Override
              public void initialize() {}
            });
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", name);
    p.setProperty("org.quartz.scheduler.instanceId", "bench");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(workers));
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(workers));
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        db.isPostgres()
            ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
            : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", name);
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.isClustered", "false");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "3600000");
    p.setProperty("org.quartz.jobStore.useProperties", "false");
    scheduler = new StdSchedulerFactory(p).getScheduler(); // in standby: it stores jobs, fires none
  }

  @Override
  public void startWorkers() throws Exception {
    scheduler.start();
  }

  private static JobDetail job(int i) {
    return JobBuilder.newJob(Noop.class).withIdentity("j" + i, "bench").usingJobData("i", i).build();
  }

  private static Trigger trigger(int i) {
    return TriggerBuilder.newTrigger()
        .withIdentity("t" + i, "bench")
        .startNow()
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
        .build();
  }

  @Override
  public void enqueueBatch(int from, int count) throws Exception {
    Map<JobDetail, Set<? extends Trigger>> batch = new HashMap<>();
    for (int i = from; i < from + count; i++) {
      batch.put(job(i), Set.of(trigger(i)));
    }
    scheduler.scheduleJobs(batch, false);
  }

  @Override
  public void enqueueOne(int index) throws Exception {
    scheduler.scheduleJob(job(index), trigger(index));
  }

  @Override
  public void close() throws Exception {
    if (scheduler != null) {
      // Quartz's shutdown interrupts its scheduler thread; caught inside H2 file I/O, that
      // interrupt closes H2's file channel and leaves the thread retrying forever. Standing by
      // first lets the thread finish its acquisition and wait, so the interrupt lands harmlessly.
      scheduler.standby();
      Thread.sleep(1_000);
      scheduler.shutdown(true);
    }
  }
}
