package dev.docket.jdbc.internal;

import dev.docket.JobId;
import dev.docket.spi.StoreSignals;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-node signals on PostgreSQL: {@code NOTIFY} inside the writing transaction (so it is
 * delivered only if that transaction commits), and one {@code LISTEN} connection per store that
 * passes them on to subscribed engines. The listener reconnects with a pause when the database
 * goes away, and then tells its subscribers to look for work, since notices sent meanwhile are
 * lost.
 */
public final class PgSignals implements JdbcJobStore.Signals, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PgSignals.class);
  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private final String channel;
  private final Supplier<Connection> connections;
  private final List<StoreSignals> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private Thread thread;

  public PgSignals(String prefix, Supplier<Connection> connections) {
    this.channel = prefix + "signals";
    this.connections = connections;
  }

  @Override
  public void work(Handle h, String queue) {
    notify(h, "work:" + queue);
  }

  @Override
  public JdbcJobStore.Notice workNotice(String queue) {
    return new JdbcJobStore.Notice(channel, "work:" + queue);
  }

  @Override
  public void cancel(Handle h, JobId id) {
    notify(h, "cancel:" + id.value());
  }

  private void notify(Handle h, String payload) {
    h.createQuery("SELECT pg_notify(:channel, :payload)")
        .bind("channel", channel)
        .bind("payload", payload)
        .mapTo(String.class)
        .findOne();
  }

  /** Adds a subscriber; starts the listening thread on first use. */
  public synchronized AutoCloseable subscribe(StoreSignals s) {
    subscribers.add(s);
    if (thread == null && !closed) {
      thread = new Thread(this::listen, "docket-pg-listen");
      thread.setDaemon(true);
      thread.start();
    }
    return () -> subscribers.remove(s);
  }

  private void listen() {
    boolean warned = false;
    while (!closed) {
      try (Connection c = connections.get()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        if (warned) {
          log.info("LISTEN {} restored", channel);
          warned = false;
        }
        subscribers.forEach(sub -> sub.workAvailable("*"));
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(500);
          if (notes == null) {
            continue;
          }
          for (PGNotification n : notes) {
            deliver(n.getParameter());
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          log.warn("LISTEN {} lost ({}); falling back to polling and reconnecting", channel, e.toString());
          warned = true;
        }
        try {
          new dev.docket.internal.engine.Wakeup().awaitUpTo(RECONNECT_PAUSE);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void deliver(String payload) {
    int colon = payload.indexOf(':');
    if (colon < 0) {
      return;
    }
    String kind = payload.substring(0, colon);
    String value = payload.substring(colon + 1);
    for (StoreSignals s : subscribers) {
      try {
        if (kind.equals("work")) {
          s.workAvailable(value);
        } else if (kind.equals("cancel")) {
          s.cancelRequested(JobId.of(value));
        }
      } catch (RuntimeException e) {
        log.warn("signal subscriber failed on {}: {}", payload, e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** No signals (H2: one process, the engine wakes itself). */
  public static final JdbcJobStore.Signals NONE =
      new JdbcJobStore.Signals() {
        @Override
        public void work(Handle h, String queue) {}

        @Override
        public void cancel(Handle h, JobId id) {}
      };
}
