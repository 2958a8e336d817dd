package dev.docket;

import java.util.Objects;
import java.util.Optional;

/**
 * Duration percentiles in milliseconds, from a histogram with about 2 % relative error (exact
 * when all samples are equal); empty when there is no sample.
 */
public record Percentiles(long count, Optional<Double> p50, Optional<Double> p95, Optional<Double> p99) {

  public Percentiles {
    Objects.requireNonNull(p50, "p50");
    Objects.requireNonNull(p95, "p95");
    Objects.requireNonNull(p99, "p99");
  }

  /** No samples. */
  public static Percentiles none() {
    return new Percentiles(0, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
