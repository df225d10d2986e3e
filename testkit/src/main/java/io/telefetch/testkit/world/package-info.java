/**
 * The content of the in-process Telegram and the API answered from it: {@link
 * io.telefetch.testkit.world.World} holds users, bots, channels, messages, documents and photos
 * (with {@link io.telefetch.testkit.world.FileContent} generated from seeds or given as bytes) plus
 * the server-side state that goes with them (file references, CDN copies, logins); {@link
 * io.telefetch.testkit.world.WorldApi} answers the Telegram API from it on every DC of a {@code
 * TestCluster}.
 */
@NullMarked
package io.telefetch.testkit.world;

import org.jspecify.annotations.NullMarked;
