/** Internal: the engine's moving parts. Not API; may change at any time. */
@NullMarked
package dev.docket.internal.engine;

import org.jspecify.annotations.NullMarked;
