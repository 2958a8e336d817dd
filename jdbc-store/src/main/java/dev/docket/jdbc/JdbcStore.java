package dev.docket.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.jdbc.internal.Db;
import dev.docket.jdbc.internal.Dialect;
import dev.docket.jdbc.internal.JdbcJobStore;
import dev.docket.jdbc.internal.JdbcAdminStore;
import dev.docket.jdbc.internal.JdbcApprovalStore;
import dev.docket.jdbc.internal.JdbcNodeStore;
import dev.docket.jdbc.internal.JdbcScheduleStore;
import dev.docket.jdbc.internal.PgSignals;
import dev.docket.jdbc.internal.SchemaMigrator;
import dev.docket.spi.JobStore;
import dev.docket.spi.ApprovalStore;
import dev.docket.spi.AdminStore;
import dev.docket.spi.NodeStore;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.Store;
import dev.docket.spi.StoreException;
import dev.docket.spi.StoreSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docket's durable store on a relational database: an embedded H2 file by default ({@link
 * #h2(Path)}, zero set-up), PostgreSQL when several nodes share one database ({@link
 * #create(DataSource)}). It applies its schema at start (see {@link SchemaMode}), claims with
 * conditional single-row-state updates ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL), measures
 * leases on the database's clock by default, and wakes other nodes with {@code LISTEN/NOTIFY} on
 * PostgreSQL.
 *
 * <p>Ownership: a store made by {@link #h2(Path)} owns its connection pool and closes it; a store
 * given a {@link DataSource} never closes it. Thread-safe.
 */
public final class JdbcStore implements Store {

  private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");

  /** Table prefix unless another is given. */
  public static final String DEFAULT_PREFIX = "docket_";

  /**
   * {@link #h2(Path)}'s {@code MAX_LENGTH_INPLACE_LOB}: text values up to this size stay in their
   * row. Measured per row (an insert, two updates of another column, a read; {@code
   * dev.docket.bench.H2LobCost}, H2 2.3, docs/performance.md): up to 2,000 bytes the row costs
   * 1.4 – 2.9× less than the LOB storage; at 4,000 and 16,000 bytes samples disagree; larger
   * values in the row are rewritten by every claim and ack.
   */
  static final int H2_INPLACE_LOB_BYTES = 4_096;

  private final @Nullable HikariDataSource ownedPool;
  private final Db db;
  private final JdbcJobStore jobs;
  private final JdbcNodeStore nodes;
  private final JdbcApprovalStore approvals;
  private final JdbcScheduleStore schedules;
  private final JdbcAdminStore admin;
  private final @Nullable PgSignals signals;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The pool's size when the data source tells it (HikariCP), else 0 (unknown). */
  private final int poolSize;

  private JdbcStore(Builder b, @Nullable HikariDataSource ownedPool) {
    this.ownedPool = ownedPool;
    DataSource ds = b.dataSource;
    this.poolSize = ds instanceof HikariDataSource h ? h.getMaximumPoolSize() : 0;
    Dialect dialect;
    String url;
    try (Connection c = ds.getConnection()) {
      dialect = Dialect.of(c);
      url = String.valueOf(c.getMetaData().getURL());
      if (dialect instanceof Dialect.H2) {
        for (H2Advice a : h2Advice(c, url)) {
          if (a.durability()) {
            log.warn("{}", a.text());
          } else {
            log.info("{}", a.text());
          }
        }
      }
    } catch (SQLException e) {
      closeOwned();
      throw new StoreException("cannot connect to the database: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeOwned();
      throw e;
    }
    try {
      SchemaMigrator migrator = new SchemaMigrator(ds, dialect, b.prefix);
      if (b.schemaMode == SchemaMode.MIGRATE) {
        migrator.migrate();
      } else {
        migrator.verify();
      }
    } catch (RuntimeException e) {
      closeOwned();
      throw e;
    }
    this.db = new Db(ds, dialect, b.prefix, url);
    this.signals =
        dialect instanceof Dialect.Postgres
            ? new PgSignals(b.prefix, connectionSupplier(ds))
            : null;
    this.jobs = new JdbcJobStore(db, b.leaseClock, signals != null ? signals : PgSignals.NONE);
    this.nodes = new JdbcNodeStore(db);
    this.approvals = new JdbcApprovalStore(db, jobs);
    this.schedules = new JdbcScheduleStore(db, jobs);
    this.admin = new JdbcAdminStore(db, signals != null ? signals : PgSignals.NONE);
    log.info(
        "Docket JDBC store on {} ({}), table prefix '{}', leases on the {} clock",
        dialect.migrationFolder(),
        url,
        b.prefix,
        b.leaseClock == LeaseClock.DATABASE ? "database's" : "engine's");
  }

  /**
   * What an H2 database's settings cost a data source that is not {@link #h2(Path)}'s: commits
   * that do not reach the file before a submit returns ({@code WRITE_DELAY} above 0, H2's default
   * 500 ms: a crash loses the jobs of that window), and text beyond H2's default 256 bytes kept
   * outside the row. Empty when neither applies, for an in-memory database, or when the settings
   * cannot be read.
   */
  static List<H2Advice> h2Advice(Connection c, String url) {
    List<H2Advice> advice = new ArrayList<>();
    if (url.startsWith("jdbc:h2:mem:")) {
      return advice;
    }
    long writeDelay = 0;
    long inplaceLob = 256; // H2's default, which SETTINGS lists only once it is set
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME IN ('WRITE_DELAY', 'MAX_LENGTH_INPLACE_LOB')")) {
      while (rs.next()) {
        long v = Long.parseLong(rs.getString(2).strip());
        if (rs.getString(1).equals("WRITE_DELAY")) {
          writeDelay = Math.max(writeDelay, v);
        } else {
          inplaceLob = v;
        }
      }
    } catch (SQLException | NumberFormatException e) {
      // settings this code cannot read: no advice rather than a failed start
      log.debug("cannot read H2's settings: {}", e.toString());
      return advice;
    }
    if (writeDelay > 0) {
      advice.add(new H2Advice(true, "H2 WRITE_DELAY is " + writeDelay + " ms: a commit reaches the file up to that long after a submit"
          + " returns, so a crash can lose those jobs; add ;WRITE_DELAY=0 to the JDBC URL (JdbcStore.h2 does)"));
    }
    if (inplaceLob < H2_INPLACE_LOB_BYTES) {
      advice.add(new H2Advice(false, "H2 MAX_LENGTH_INPLACE_LOB is " + inplaceLob + ": args and results longer than that go to H2's"
          + " separate LOB storage, which makes their inserts and reads slower; add ;MAX_LENGTH_INPLACE_LOB="
          + H2_INPLACE_LOB_BYTES + " to the JDBC URL (JdbcStore.h2 does)"));
    }
    return advice;
  }

  /** One piece of {@link #h2Advice}: a risk to durability (logged as a warning) or to speed. */
  record H2Advice(boolean durability, String text) {}

  private static Supplier<Connection> connectionSupplier(DataSource ds) {
    return () -> {
      try {
        return ds.getConnection();
      } catch (SQLException e) {
        throw new StoreException("cannot connect to the database: " + e.getMessage(), e);
      }
    };
  }

  /**
   * The zero-set-up default: an embedded H2 database in {@code directory} (created if needed),
   * with a connection pool this store owns. Each commit reaches the file before the call returns
   * ({@code WRITE_DELAY=0}), so a job survives a {@code kill -9} right after its submit. Text
   * values of up to 4,096 bytes (args, results, errors) are kept in the row ({@code
   * MAX_LENGTH_INPLACE_LOB}; H2's default is 256) rather than in H2's separate LOB storage: below
   * about 4 KiB that costs a job's insert, claim, ack and read less (see docs/performance.md);
   * larger values still go to the LOB storage, so that a claim or an ack does not rewrite them.
   */
  public static JdbcStore h2(Path directory) {
    return h2(directory, DEFAULT_PREFIX);
  }

  /** {@link #h2(Path)} with another table prefix. */
  public static JdbcStore h2(Path directory, String tablePrefix) {
    Objects.requireNonNull(directory, "directory");
    checkPrefix(tablePrefix);
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(
        "jdbc:h2:file:"
            + directory.toAbsolutePath().resolve("docket")
            + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;MAX_LENGTH_INPLACE_LOB="
            + H2_INPLACE_LOB_BYTES);
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(8);
    config.setPoolName("docket-h2");
    HikariDataSource pool = new HikariDataSource(config);
    Builder b = new Builder(pool).tablePrefix(tablePrefix);
    return new JdbcStore(b, pool);
  }

  /**
   * A store on a database given by its JDBC URL (PostgreSQL, say), with a connection pool of
   * {@code poolSize} that this store creates, owns and closes.
   *
   * @param user the user, or null to take it from the URL
   * @param password the password, or null
   */
  public static JdbcStore url(String jdbcUrl, @Nullable String user, @Nullable String password, int poolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (poolSize < 1 || poolSize > 1_000) {
      throw new IllegalArgumentException("poolSize must be within 1..1000, was " + poolSize);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("docket-pool");
    HikariDataSource pool = new HikariDataSource(config);
    try {
      return new JdbcStore(new Builder(pool), pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** A store on the caller's {@link DataSource} (H2 or PostgreSQL), with every default. */
  public static JdbcStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** Configures a store on the caller's {@link DataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public ApprovalStore approvals() {
    return approvals;
  }

  @Override
  public AdminStore admin() {
    return admin;
  }

  @Override
  public ScheduleStore schedules() {
    return schedules;
  }

  @Override
  public NodeStore nodes() {
    return nodes;
  }

  /**
   * 64 on PostgreSQL, 16 on H2: a claim of many jobs costs little more than a claim of a few. On
   * PostgreSQL, W1 drained 15-20 % faster with a buffer of 512 or 1,024 jobs for 8 workers than with
   * 128 (2,048 was slower again); on H2, whose writes run one at a time, more than 16 per worker
   * gained nothing ({@code docs/performance.md}). The engine's default buffer holds that many only
   * for short jobs: it keeps about 50 ms of the queue's work, so that long jobs are not held back
   * from other nodes.
   */
  @Override
  public int prefetchPerWorker() {
    return db.dialect() instanceof Dialect.Postgres ? 64 : 16;
  }

  /**
   * 3 on PostgreSQL, whose commits wait mostly on the WAL flush and run side by side, but at most a
   * third of a HikariCP pool's connections (so 1 with fewer than 6); 1 on H2, whose writes run one
   * at a time. W5 (10,000 short fires at one minute), p99 start lateness of the first / second
   * minute: one writer 1,603 / 837 ms, two 1,027 / 561, three 531 / 443 and 882 / 565 ms; W1
   * executed/s three against two 12,093 / 11,215 against 10,715 / 10,445 ({@code
   * docs/performance.md}).
   */
  @Override
  public int ackWriters() {
    if (!(db.dialect() instanceof Dialect.Postgres)) {
      return 1;
    }
    return poolSize == 0 ? 3 : Math.max(1, Math.min(3, poolSize / 3));
  }

  @Override
  public AutoCloseable subscribe(StoreSignals s) {
    return signals == null ? () -> {} : signals.subscribe(s);
  }

  /**
   * Runs {@code work} (typically {@code docket.jobs().submit(…)}) inside the caller's own
   * transaction on {@code connection}: the job exists if and only if the caller commits. Docket
   * neither commits nor rolls back that connection. On PostgreSQL other nodes are woken on commit;
   * on H2 the job is picked up at the next poll.
   */
  public <T> T inTransaction(Connection connection, Supplier<T> work) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(work, "work");
    return db.onConnection(connection, work);
  }

  /** Closes the pool this store created (never a caller's {@link DataSource}). Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (signals != null) {
      signals.close();
    }
    closeOwned();
  }

  private void closeOwned() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  private static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "tablePrefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new dev.docket.InvalidRequestException(
          "tablePrefix", "'" + prefix + "' must be a plain identifier: [a-z][a-z0-9_]{0,29}");
    }
    return prefix;
  }

  /** Configures a {@link JdbcStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String prefix = DEFAULT_PREFIX;
    private LeaseClock leaseClock = LeaseClock.DATABASE;
    private SchemaMode schemaMode = SchemaMode.MIGRATE;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Prefix of every table, {@value JdbcStore#DEFAULT_PREFIX} by default; a plain identifier. */
    public Builder tablePrefix(String prefix) {
      this.prefix = checkPrefix(prefix);
      return this;
    }

    /** Whose clock measures leases; {@link LeaseClock#DATABASE} by default. */
    public Builder leaseClock(LeaseClock clock) {
      this.leaseClock = Objects.requireNonNull(clock, "leaseClock");
      return this;
    }

    /** Who manages the schema; {@link SchemaMode#MIGRATE} by default. */
    public Builder schemaMode(SchemaMode mode) {
      this.schemaMode = Objects.requireNonNull(mode, "schemaMode");
      return this;
    }

    /**
     * Connects, checks the database and applies the schema.
     *
     * @throws StoreException when the database is unreachable or unsupported, or its schema is
     *     newer than this code
     */
    public JdbcStore build() {
      return new JdbcStore(this, null);
    }
  }
}
