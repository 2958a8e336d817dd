/**
 * The thin REST adapter of Docket's HTTP API: {@link dev.docket.rest.RestApi} handles one request
 * (framework-neutral, for hosts that mount the API in their own server), {@link
 * dev.docket.rest.RestServer} serves it on the JDK's HTTP server, {@link dev.docket.rest.RestMain}
 * is the runnable server.
 */
@NullMarked
package dev.docket.rest;

import org.jspecify.annotations.NullMarked;
