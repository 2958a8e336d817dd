/** The human-in-the-loop gate's engine side: decisions, policy and expiry. Not public API. */
@NullMarked
package dev.docket.internal.hitl;

import org.jspecify.annotations.NullMarked;
