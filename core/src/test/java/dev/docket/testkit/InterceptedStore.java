package dev.docket.testkit;

import dev.docket.spi.JobStore;
import dev.docket.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A store that passes every call to another and runs a hook before each call of its job store
 * (to count, or to hold a call until a latch opens); some of the store's own answers may be
 * replaced, e.g. {@code ackWriters}, by a value or an {@link Answer}.
 */
public final class InterceptedStore {

  /** Runs before a job-store call, on the calling thread. */
  @FunctionalInterface
  public interface Hook {
    void before(String method) throws Exception;
  }

  /** A value of {@code answers} that computes the answer from the call's arguments. */
  @FunctionalInterface
  public interface Answer {
    Object apply(Object[] args) throws Exception;
  }

  private InterceptedStore() {}

  /** {@code backing}, with {@code hook} before each of its job store's calls. */
  public static Store of(Store backing, Hook hook) {
    return of(backing, hook, Map.of());
  }

  /** As {@link #of(Store, Hook)}, with the store's methods named in {@code answers} answering so. */
  public static Store of(Store backing, Hook hook, Map<String, Object> answers) {
    JobStore jobs =
        (JobStore)
            Proxy.newProxyInstance(
                InterceptedStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class},
                (proxy, m, args) -> {
                  hook.before(m.getName());
                  return invoke(m, backing.jobs(), args);
                });
    return (Store)
        Proxy.newProxyInstance(
            InterceptedStore.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, m, args) -> {
              if (m.getName().equals("jobs")) {
                return jobs;
              }
              if (answers.containsKey(m.getName())) {
                Object answer = answers.get(m.getName());
                return answer instanceof Answer a ? a.apply(args) : answer;
              }
              return invoke(m, backing, args);
            });
  }

  private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
