/**
 * Telegram links: {@link io.telefetch.link.TelegramLink} parses every {@code t.me}, {@code
 * telegram.me}, {@code telegram.dog} and {@code tg://} link form into one typed value per kind,
 * without I/O; {@link io.telefetch.link.LinkPreviews} reads a link's OpenGraph preview from t.me's
 * public pages; {@link io.telefetch.link.LinkResolver} resolves a link over MTProto to its peer,
 * messages and the {@link io.telefetch.media.MediaFile}s to download, with a {@link
 * io.telefetch.link.MetadataCache} in front.
 */
@NullMarked
package io.telefetch.link;

import org.jspecify.annotations.NullMarked;
