/**
 * The storage SPI: the only interfaces the engine uses to persist jobs, leases and nodes.
 *
 * <p>Every mutation is one atomic, conditional transition: it checks the job's state (and, for the
 * writes of a running attempt, its lease token) and changes it in one step, so two engines sharing
 * a store never both win. A store is thread-safe. A new store passes the store TCK (core's
 * test-jar, {@code dev.docket.spi.tck.StoreTck}) or it does not ship.
 */
@NullMarked
package dev.docket.spi;

import org.jspecify.annotations.NullMarked;
