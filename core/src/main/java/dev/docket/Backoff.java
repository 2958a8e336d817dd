package dev.docket;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: {@code initial × multiplier^(attempt-1)}, capped at
 * {@code max}, then spread by ± {@code jitter} (a fraction) so that many failing jobs do not retry
 * in lock-step. Immutable and thread-safe.
 *
 * @param initial delay after the first failed attempt, &gt; 0
 * @param multiplier growth per attempt, ≥ 1
 * @param max upper bound of the delay before jitter, ≥ initial
 * @param jitter fraction in [0, 1]: 0.2 spreads each delay over ±20 %
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

  /** The engine default: 1 s, doubling, at most 1 h, ±20 % jitter. */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofHours(1), 0.2);

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new InvalidRequestException("backoff.initial", "must be > 0, was " + initial);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new InvalidRequestException("backoff.multiplier", "must be >= 1, was " + multiplier);
    }
    if (max.compareTo(initial) < 0) {
      throw new InvalidRequestException("backoff.max", "must be >= initial (" + initial + "), was " + max);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new InvalidRequestException("backoff.jitter", "must be within [0, 1], was " + jitter);
    }
  }

  /** Doubling from {@code initial} up to {@code max}, ±20 % jitter. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, 2.0, max, 0.2);
  }

  /** The same delay every time, without jitter. */
  public static Backoff fixed(Duration delay) {
    return new Backoff(delay, 1.0, delay, 0.0);
  }

  /** A copy with another jitter fraction. */
  public Backoff withJitter(double fraction) {
    return new Backoff(initial, multiplier, max, fraction);
  }

  /**
   * The delay after failed attempt number {@code attempt} (1-based).
   *
   * @param random a source of uniform numbers in [0, 1)
   */
  public Duration delay(int attempt, DoubleSupplier random) {
    double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, max.toMillis());
    double spread = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Duration.ofMillis(Math.max(1L, Math.round(capped * spread)));
  }

  /** A compact text form for storage, read back by {@link #parse(String)}. */
  public String spec() {
    return String.format(
        Locale.ROOT, "%d,%s,%d,%s", initial.toMillis(), multiplier, max.toMillis(), jitter);
  }

  /** Reads the form written by {@link #spec()}. */
  public static Backoff parse(String spec) {
    String[] p = spec.split(",");
    if (p.length != 4) {
      throw new InvalidRequestException("backoff", "malformed backoff spec '" + spec + "'");
    }
    try {
      return new Backoff(
          Duration.ofMillis(Long.parseLong(p[0])),
          Double.parseDouble(p[1]),
          Duration.ofMillis(Long.parseLong(p[2])),
          Double.parseDouble(p[3]));
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("backoff", "malformed backoff spec '" + spec + "'");
    }
  }
}
