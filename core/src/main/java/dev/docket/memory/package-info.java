/** A store that keeps everything in memory: for tests and ephemeral use. */
@NullMarked
package dev.docket.memory;

import org.jspecify.annotations.NullMarked;
