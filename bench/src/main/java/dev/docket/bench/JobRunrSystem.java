package dev.docket.bench;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import java.time.Duration;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * JobRunr 8.3.1 (open-source edition) with its SQL storage provider on the bench pool (it creates
 * its tables), Jackson, a {@link BackgroundJobServer} with 8 workers and the smallest poll interval
 * the SQL storage accepts (5 s; the default is 15 s). Batch enqueue: {@code
 * JobScheduler.enqueue(Stream, lambda)}, which saves in batches.
 */
final class JobRunrSystem implements QueueSystem {

  private final BenchDb db;
  private final int workers;
  private StorageProvider storage;
  private BackgroundJobServer server;
  private JobScheduler scheduler;

  JobRunrSystem(BenchDb db, int workers) {
    this.db = db;
    this.workers = workers;
  }

  /** The job JobRunr runs: a public static method it finds by reflection. */
  public static final class Jobs {
    private Jobs() {}

    public static void run(Integer index) {
      Recorder.current().hit(index);
    }
  }

  @Override
  public String name() {
    return "jobrunr";
  }

  private JsonMapper json;

  @Override
  public void prepare() {
    DataSource ds = db.pool(POOL, "jobrunr");
    json = new JacksonJsonMapper();
    storage = SqlStorageProviderFactory.using(ds);
    storage.setJobMapper(new JobMapper(json));
    scheduler = new JobScheduler(storage); // saves jobs; the background server runs them
  }

  @Override
  public void startWorkers() throws Exception {
    JobActivator activator =
        new JobActivator() {
          @Override
          public <T> T activateJob(Class<T> type) {
            try {
              return type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    server =
        new BackgroundJobServer(
            storage,
            json,
            activator,
            usingStandardBackgroundJobServerConfiguration()
                .andWorkerCount(workers)
                .andPollInterval(Duration.ofSeconds(5)));
    server.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(server.isRunning() && server.isAnnounced()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Override
  public void enqueueBatch(int from, int count) {
    scheduler.enqueue(IntStream.range(from, from + count).boxed(), i -> Jobs.run(i));
  }

  @Override
  public void enqueueOne(int index) {
    Integer i = index;
    scheduler.enqueue(() -> Jobs.run(i));
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    if (storage != null) {
      storage.close();
    }
  }
}
