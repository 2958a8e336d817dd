/** Administration and metrics: the engine side of {@link dev.docket.QueueAdmin}. Not public API. */
@NullMarked
package dev.docket.internal.admin;

import org.jspecify.annotations.NullMarked;
