/** The scheduler's engine side: task validation, fire planning and the firing step. Not public API. */
@NullMarked
package dev.docket.internal.schedule;

import org.jspecify.annotations.NullMarked;
