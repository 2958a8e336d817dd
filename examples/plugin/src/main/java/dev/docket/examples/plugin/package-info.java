/**
 * An example action plugin: {@link dev.docket.examples.plugin.WordCountPlugin} contributes the
 * {@code count_words} action to any Docket engine that finds this jar on its class path.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.docket.examples.plugin;

import org.jspecify.annotations.NullMarked;
