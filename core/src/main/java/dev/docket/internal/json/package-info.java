/** Internal: JSON plumbing. Not API; may change at any time. */
@NullMarked
package dev.docket.internal.json;

import org.jspecify.annotations.NullMarked;
