/** The adapter's routes, JSON mapping and error table. Not public API. */
@NullMarked
package dev.docket.rest.internal;

import org.jspecify.annotations.NullMarked;
