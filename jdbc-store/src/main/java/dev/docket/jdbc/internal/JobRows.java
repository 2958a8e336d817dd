package dev.docket.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.Backoff;
import dev.docket.Job;
import dev.docket.JobError;
import dev.docket.JobEvent;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.spi.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jspecify.annotations.Nullable;

/** Row mapping and value conversion, shared by the job SQL. */
final class JobRows {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Column list of the jobs table, in mapper order. */
  static final String COLUMNS =
      "id, function_name, queue, status, priority, args, result, error_type, error_message,"
          + " error_stack, attempts, max_attempts, correlation_id, owner_id, timeout_ms, backoff,"
          + " cancel_requested, created_at, scheduled_at, started_at, finished_at, node_id,"
          + " lease_token, lease_expires_at";

  /** {@link #COLUMNS} of the jobs table under the alias {@code j}, for joins. */
  static final String QUALIFIED_COLUMNS =
      java.util.Arrays.stream(COLUMNS.split(",")).map(c -> "j." + c.strip()).collect(java.util.stream.Collectors.joining(", "));

  private JobRows() {}

  static OffsetDateTime ts(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  /**
   * {@link #ts}'s text, for the rows of one batch, which mostly share their times (a batch is
   * created at one instant, and due then): the last instant's text is kept, so each distinct time
   * is formatted once.
   */
  static final class TimeText {
    private @Nullable Instant last;
    private String text = "";

    String text(Instant t) {
      if (!t.equals(last)) {
        text = ts(t).toString();
        last = t;
      }
      return text;
    }
  }

  static @Nullable Instant instant(ResultSet rs, String col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static @Nullable Instant instant(ResultSet rs, int col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static String json(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot serialise JSON", e);
    }
  }

  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON is unreadable", e);
    }
  }

  static String truncate(String s, int max) {
    String clean = text(s);
    return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
  }

  /** Text as every database stores it: PostgreSQL refuses NUL characters in text columns. */
  static String text(String s) {
    return s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
  }

  static final RowMapper<Job> JOB =
      (rs, ctx) -> {
        String result = rs.getString("result");
        String errorType = rs.getString("error_type");
        long timeout = rs.getLong("timeout_ms");
        boolean hasTimeout = !rs.wasNull();
        String backoff = rs.getString("backoff");
        // only a running job has a node; a finished first attempt keeps it for its implicit history
        JobStatus status = JobStatus.valueOf(rs.getString("status"));
        String node = status == JobStatus.RUNNING ? rs.getString("node_id") : null;
        Instant started = instant(rs, "started_at");
        Instant finished = instant(rs, "finished_at");
        return new Job(
            JobId.of(rs.getString("id")),
            rs.getString("function_name"),
            rs.getString("queue"),
            status,
            rs.getInt("priority"),
            parse(rs.getString("args")),
            Optional.ofNullable(result).map(JobRows::parse),
            errorType == null
                ? Optional.empty()
                : Optional.of(
                    new JobError(errorType, rs.getString("error_message"), rs.getString("error_stack"))),
            rs.getInt("attempts"),
            rs.getInt("max_attempts"),
            Optional.ofNullable(rs.getString("correlation_id")),
            rs.getString("owner_id"),
            hasTimeout ? Optional.of(Duration.ofMillis(timeout)) : Optional.empty(),
            Optional.ofNullable(backoff).map(Backoff::parse),
            rs.getBoolean("cancel_requested"),
            instant(rs, "created_at"),
            instant(rs, "scheduled_at"),
            Optional.ofNullable(started),
            Optional.ofNullable(finished),
            Optional.ofNullable(node).map(NodeId::of));
      };

  static final RowMapper<JobEvent> EVENT =
      (rs, ctx) -> {
        String from = rs.getString("from_status");
        return new JobEvent(
            JobId.of(rs.getString("job_id")),
            instant(rs, "at"),
            Optional.ofNullable(from).map(JobStatus::valueOf),
            JobStatus.valueOf(rs.getString("to_status")),
            rs.getString("by_principal"),
            rs.getString("detail"));
      };
}
