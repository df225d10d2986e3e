/**
 * The TL runtime: {@link io.telefetch.tl.TlReader} and {@link io.telefetch.tl.TlWriter} over Netty
 * buffers, {@link io.telefetch.tl.TlObject} and {@link io.telefetch.tl.TlMethod} implemented by the
 * classes generated from the schemas, and {@link io.telefetch.tl.TlRegistry} mapping ids to them.
 */
package io.telefetch.tl;
