/**
 * Micrometer meters for a Docket engine: {@link dev.docket.micrometer.DocketMeters}.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.docket.micrometer;

import org.jspecify.annotations.NullMarked;
