// GramJS (telegram@2.26.22, API layer 198) pointed at a testkit launcher. Used by the GramJS
// scenario, the foreign-behaviour scenario and the download benchmark.
//
// API
//   await createGramClient(config, options) -> a connected GramJS TelegramClient
//     config   the launcher's parsed JSON (startLauncher(...).config)
//     options  {
//       dcId:        the DC to connect to (default: the demo file's usual home, 2; 1 with one DC)
//       connection:  'full' | 'abridged' | 'obfuscated' (ConnectionTCPFull / ConnectionTCPAbridged /
//                    ConnectionTCPObfuscated from telegram/network; default 'full', GramJS's own
//                    default on Node). 'abridged' reads packets with readExactly: see
//                    ExactAbridgedPacketCodec for the GramJS bug this avoids
//       connect:     false to get the client unconnected (default true)
//       logLevel:    a GramJS LogLevel name, default $GRAMJS_LOG or 'none'
//       autoReconnect, connectionRetries, requestRetries: passed to GramJS (defaults true, 5, 1)
//     }
//     Trusts the launcher's RSA key (trustLauncherKey), keeps the session in memory
//     (MemorySession: GramJS's StringSession cannot save a port above 32767, and the launcher's
//     ports are ephemeral), and carries the launcher's api_id/api_hash. No login: run the launcher
//     with --guest-access. `await client.destroy()` when done.
//   trustLauncherKey(config)  adds config.rsa to GramJS's RSA key map (telegram/crypto/RSA
//     `_serverKeys`, keyed by the fingerprint as a signed decimal string), after checking that
//     the fingerprint computed from the PEM equals the JSON's
//   CONNECTIONS               the connection names above
//   documentLocation({id, accessHash, fileReference}) -> Api.InputDocumentFileLocation
//   await downloadRaw(client, location, size, {parallel, partSize, onPart})
//       -> {sha256 (hex), bytes, requests, seconds}
//
// Download choice (downloadRaw): a raw upload.getFile loop, 1 MiB parts (offset a multiple of
// 1 MiB, limit 1 MiB, not `precise`), each part fed to a SHA-256 in order; nothing is kept.
// GramJS 2.26.22 has no parallel downloader of its own: downloadFile/downloadMedia
// (client/downloads.js, iterDownload + DirectDownloadIter) ask for one part at a time, at most
// 512 KiB, and the `workers` option exists only for uploads (and an unused Foreman class).
// What GramJS does have for raw calls is its sender's pipelining: concurrent client.invoke calls
// on one MTProtoSender (one connection) are queued and packed together into msg_containers by
// its MessagePacker, exactly as its uploads with `workers: N` run. So: `parallel: 1` (the default)
// is GramJS's own sequential behaviour; `parallel: N` keeps N upload.getFile calls in flight
// through that same sender and connection, which is the only parallelism GramJS offers for raw
// calls. All calls go to the client's own DC: connect the client to the file's DC (upload.getFile
// elsewhere answers FILE_MIGRATE_X, and following it needs a login that a guest does not have).
// Measured on the 2-core development machine (64 MiB, testkit on the same cores): about 6 MB/s and
// 4.5 CPU s per 64 MiB sequentially over TCPFull; 4 in flight is no faster (4 MB/s), because the
// client is CPU-bound in one JavaScript thread: GramJS decrypts with a pure-JavaScript AES-IGE
// (@cryptography/aes, about 17 MB/s alone on that CPU) and re-concatenates its socket buffer for
// every TCP segment of a 1 MiB packet.
import { createHash, createPublicKey } from 'node:crypto'
import { createRequire } from 'node:module'
import { TelegramClient, Api } from 'telegram'
import { MemorySession } from 'telegram/sessions/index.js'
import {
  ConnectionTCPFull,
  ConnectionTCPAbridged,
  ConnectionTCPObfuscated,
} from 'telegram/network/index.js'
import { Logger } from 'telegram/extensions/Logger.js'
import { AbridgedPacketCodec } from 'telegram/network/connection/TCPAbridged.js'
import RSA from 'telegram/crypto/RSA.js'

// big-integer is what GramJS uses for TL longs; take GramJS's own copy
const bigInt = createRequire(createRequire(import.meta.url).resolve('telegram'))('big-integer')
export { bigInt, Api }

/**
 * GramJS 2.26.22 bug, handled here: the plain abridged codec reads a packet's body with
 * `reader.read(n)`, which returns only what the socket has buffered so far, so a packet that
 * arrives in several TCP segments (any 1 MiB upload.file) is cut short and fails its msg_key
 * check ("Received msg_key doesn't match"). Its TCPFull codec and the obfuscated reader use
 * `readExactly`; this codec does the same for abridged. The framing itself is GramJS's.
 */
class ExactAbridgedPacketCodec extends AbridgedPacketCodec {
  async readPacket(reader) {
    let words = (await reader.readExactly(1))[0]
    if (words >= 127) {
      words = Buffer.concat([await reader.readExactly(3), Buffer.alloc(1)]).readInt32LE(0)
    }
    return reader.readExactly(words << 2)
  }
}

class ConnectionTCPAbridgedExact extends ConnectionTCPAbridged {
  constructor(...args) {
    super(...args)
    this.PacketCodecClass = ExactAbridgedPacketCodec
  }
}

export const CONNECTIONS = ['full', 'abridged', 'obfuscated']
const CONNECTION_CLASSES = {
  full: ConnectionTCPFull,
  abridged: ConnectionTCPAbridgedExact,
  obfuscated: ConnectionTCPObfuscated,
}

export const PART_SIZE = 1 << 20

/** A TL `bytes` field: length prefix, data, zero padding to 4 (for the fingerprint). */
function tlBytes(data) {
  const header = data.length <= 253
    ? Buffer.from([data.length])
    : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff])
  const unpadded = header.length + data.length
  return Buffer.concat([header, data, Buffer.alloc((4 - (unpadded % 4)) % 4)])
}

/** Trusts the launcher's RSA key in GramJS (a process-wide map); returns its fingerprint string. */
export function trustLauncherKey(config) {
  const jwk = createPublicKey(config.rsa.public_key_pem).export({ format: 'jwk' })
  const n = Buffer.from(jwk.n, 'base64url')
  const e = Buffer.from(jwk.e, 'base64url')
  // the MTProto fingerprint: low 64 bits of SHA-1 over rsa_public_key n:bytes e:bytes
  const sha1 = createHash('sha1').update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest()
  const computed = sha1.readBigInt64LE(12).toString()
  if (computed !== BigInt(config.rsa.fingerprint).toString()) {
    throw new Error(`the launcher's RSA key has fingerprint ${computed}, its JSON says ${config.rsa.fingerprint}`)
  }
  RSA._serverKeys.set(bigInt(computed).toString(), {
    n: bigInt(n.toString('hex'), 16),
    e: Number(BigInt('0x' + e.toString('hex'))),
  })
  return computed
}

/**
 * GramJS ignores the session's port when it connects (TelegramClient.connect uses 80, getDC 443),
 * so the connection class itself maps each DC id to the launcher's port for it.
 */
function launcherConnection(base, config) {
  const ports = new Map()
  for (const dc of config.dcs) {
    if (!dc.media_only && !dc.cdn) ports.set(dc.id, dc.port)
  }
  return class extends base {
    constructor(params) {
      const port = ports.get(params.dcId)
      if (port === undefined) throw new Error(`the launcher has no DC ${params.dcId}`)
      super({ ...params, ip: '127.0.0.1', port })
    }
  }
}

export function defaultDc(config) {
  const ids = new Set(config.dcs.filter((d) => !d.media_only && !d.cdn).map((d) => d.id))
  return ids.has(2) ? 2 : Math.min(...ids)
}

export async function createGramClient(config, options = {}) {
  const {
    dcId = defaultDc(config),
    connection = 'full',
    connect = true,
    logLevel = process.env.GRAMJS_LOG ?? 'none',
    autoReconnect = true,
    connectionRetries = 5,
    requestRetries = 1,
  } = options
  const base = CONNECTION_CLASSES[connection]
  if (!base) throw new Error(`unknown GramJS connection ${connection}; known: ${CONNECTIONS.join(', ')}`)
  const dc = config.dcs.find((d) => d.id === dcId && !d.media_only && !d.cdn)
  if (!dc) throw new Error(`the launcher lists no main option for DC ${dcId}`)
  trustLauncherKey(config)

  const session = new MemorySession()
  session.setDC(dcId, dc.host, dc.port)
  const client = new TelegramClient(session, config.api_id, config.api_hash, {
    connection: launcherConnection(base, config),
    baseLogger: new Logger(logLevel),
    autoReconnect,
    connectionRetries,
    requestRetries,
    retryDelay: 200,
    deviceModel: 'telefetch-interop',
    systemVersion: process.version,
    appVersion: 'gramjs-2.26.22',
  })
  if (connect) {
    // creates the auth key (if none), then invokeWithLayer(198, initConnection(help.getConfig))
    if (!(await client.connect())) {
      await client.destroy().catch(() => {})
      throw new Error(`GramJS could not connect to DC ${dcId} (${dc.host}:${dc.port}) over ${connection}`)
    }
  }
  return client
}

export function documentLocation({ id, accessHash, fileReference }) {
  return new Api.InputDocumentFileLocation({
    id: bigInt(String(id)),
    accessHash: bigInt(String(accessHash)),
    fileReference: Buffer.from(fileReference),
    thumbSize: '',
  })
}

/**
 * Downloads `size` bytes of `location` with raw upload.getFile calls of `partSize` (1 MiB) through
 * `client.invoke`, `parallel` calls in flight, hashing the parts in order.
 */
export async function downloadRaw(client, location, size, { parallel = 1, partSize = PART_SIZE, onPart } = {}) {
  if (!(parallel >= 1)) throw new Error(`parallel must be at least 1, got ${parallel}`)
  if (partSize % 4096 !== 0 || PART_SIZE % partSize !== 0) throw new Error(`bad part size ${partSize}`)
  const hash = createHash('sha256')
  const parts = Math.max(1, Math.ceil(size / partSize))
  const inFlight = new Map()
  const started = process.hrtime.bigint()
  let next = 0
  let bytes = 0
  const request = (index) => {
    const call = client.invoke(new Api.upload.GetFile({
      location,
      offset: bigInt(index).multiply(partSize),
      limit: partSize,
    }))
    call.catch(() => {}) // awaited below, in order; this only keeps an early failure from being "unhandled"
    return call
  }
  for (let index = 0; index < parts; index++) {
    while (next < parts && next < index + parallel) {
      inFlight.set(next, request(next))
      next++
    }
    const result = await inFlight.get(index)
    inFlight.delete(index)
    if (!(result instanceof Api.upload.File)) {
      throw new Error(`upload.getFile at offset ${index * partSize} answered ${result?.className}`)
    }
    const expected = Math.min(partSize, size - index * partSize)
    if (result.bytes.length !== expected) {
      throw new Error(`upload.getFile at offset ${index * partSize} returned ${result.bytes.length} bytes, expected ${expected}`)
    }
    hash.update(result.bytes)
    bytes += result.bytes.length
    onPart?.(index, result.bytes)
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { sha256: hash.digest('hex'), bytes, requests: parts, seconds }
}
