/**
 * The TL runtime: {@link io.telefetch.tl.TlReader} and {@link io.telefetch.tl.TlWriter} over Netty
 * buffers, {@link io.telefetch.tl.TlObject} and {@link io.telefetch.tl.TlMethod} implemented by the
 * classes generated from the schemas, and {@link io.telefetch.tl.TlRegistry} mapping ids to them.
 *
 * <p>Test data, not used by the client: {@link io.telefetch.tl.RandomValues} with the generated
 * {@code ApiSamples}/{@code MtprotoSamples} build random instances of every combinator (the codec
 * interop harness's tools, in the examples module, write them out).
 */
@NullMarked
package io.telefetch.tl;

import org.jspecify.annotations.NullMarked;
