/**
 * Internal: the action registry and the job handler that runs a scheduled task's action for each
 * fire. Not API; may change at any time.
 */
@NullMarked
package dev.docket.internal.action;

import org.jspecify.annotations.NullMarked;
