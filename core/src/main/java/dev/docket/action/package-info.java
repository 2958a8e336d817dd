/**
 * Scheduled-task actions: the {@link dev.docket.action.Action} contract, the {@link
 * dev.docket.action.ActionProvider} service that plugin jars implement, the ports a host supplies
 * ({@link dev.docket.action.MessageSender}, {@link dev.docket.action.AiTrigger}, {@link
 * dev.docket.action.NotesQuery}) and the built-in actions that call them.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.docket.action;

import org.jspecify.annotations.NullMarked;
