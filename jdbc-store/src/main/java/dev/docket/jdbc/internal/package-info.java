/** Internal: the JDBC store's SQL and plumbing. Not API; may change at any time. */
@NullMarked
package dev.docket.jdbc.internal;

import org.jspecify.annotations.NullMarked;
