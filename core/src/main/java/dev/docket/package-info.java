/**
 * Docket's public API: the {@link dev.docket.Docket} engine, its facades and the values they
 * exchange.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}; lookups return {@code
 * Optional} and collections come back empty, never null.
 */
@NullMarked
package dev.docket;

import org.jspecify.annotations.NullMarked;
