package dev.docket;

/**
 * Hears every change this engine makes, for metrics and audit. Called synchronously on the
 * engine's threads right after the change is stored: keep it quick and thread-safe. An exception
 * thrown here is logged and otherwise ignored; it never affects a job.
 */
@FunctionalInterface
public interface DocketListener {

  void onEvent(DocketEvent event);
}
