/**
 * Media downloads: {@link io.telefetch.media.MediaFile} says what to download (built from messages
 * by {@link io.telefetch.media.MediaFiles}), {@link io.telefetch.media.MediaFetcher} downloads it in
 * parallel through the client's download connections — to a path (resumable), an InputStream, a
 * channel or a Flow publisher — following FILE_MIGRATE and CDN redirects and verifying SHA-256.
 * Its retry policy is the only one for parts (they are sent with {@link
 * io.telefetch.mtproto.rpc.CallOptions#SINGLE_ATTEMPT}), and it reports parts, hash mismatches,
 * retries and finished downloads to the client's {@link io.telefetch.mtproto.rpc.EventListener}.
 */
@NullMarked
package io.telefetch.media;

import org.jspecify.annotations.NullMarked;
