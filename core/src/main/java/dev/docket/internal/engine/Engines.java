package dev.docket.internal.engine;

import dev.docket.Docket;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reaches the {@link Engine} behind a {@link Docket} without making it public API (the pattern of
 * the JDK's "shared secrets"). For Docket's own test kit and modules only.
 */
public final class Engines {

  private static volatile Function<Docket, Engine> accessor;

  private Engines() {}

  /** Called once by {@link Docket}'s static initialiser. */
  public static void accessor(Function<Docket, Engine> f) {
    accessor = Objects.requireNonNull(f, "f");
  }

  public static Engine of(Docket docket) {
    Objects.requireNonNull(docket, "docket");
    return accessor.apply(docket);
  }
}
