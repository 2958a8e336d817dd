/**
 * The JDBC store: an embedded H2 file database by default ({@link dev.docket.jdbc.JdbcStore#h2}),
 * PostgreSQL when several nodes share one database ({@link dev.docket.jdbc.JdbcStore#create}).
 */
@NullMarked
package dev.docket.jdbc;

import org.jspecify.annotations.NullMarked;
