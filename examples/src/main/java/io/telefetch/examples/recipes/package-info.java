/**
 * Small recipes a user copies into their own code: {@link
 * io.telefetch.examples.recipes.JfrEventListener} turns the client's {@link
 * io.telefetch.mtproto.rpc.EventListener} into JDK Flight Recorder events (no dependency).
 */
package io.telefetch.examples.recipes;
