/** Internal: ownership and role checks, in one place. Not API; may change at any time. */
@NullMarked
package dev.docket.internal.security;

import org.jspecify.annotations.NullMarked;
