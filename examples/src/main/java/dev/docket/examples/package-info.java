/** Runnable programs a newcomer starts first. */
@NullMarked
package dev.docket.examples;

import org.jspecify.annotations.NullMarked;
