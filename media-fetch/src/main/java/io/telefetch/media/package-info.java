/**
 * Media downloads: {@link io.telefetch.media.MediaFile} says what to download (built from messages
 * by {@link io.telefetch.media.MediaFiles}), {@link io.telefetch.media.MediaFetcher} downloads it in
 * parallel through the client's download connections — to a path (resumable), an InputStream, a
 * channel or a Flow publisher — following FILE_MIGRATE and CDN redirects and verifying SHA-256.
 */
@NullMarked
package io.telefetch.media;

import org.jspecify.annotations.NullMarked;
