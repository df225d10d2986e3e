// mtcute (@mtcute/node 0.30.3) pointed at a testkit launcher. Reused by the mtcute scenario and the
// download benchmark.
//
// API
//   await createMtcuteClient(config, options) -> TelegramClient
//     config   the launcher's parsed JSON (startLauncher(...).config)
//     options  {
//       transport: one of TRANSPORTS (default 'tcp'):
//         'tcp'                plain intermediate (mtcute's TcpTransport)
//         'padded'             padded intermediate, plain (0xdddddddd tag)
//         'obfuscated'         obfuscated2 around intermediate, straight to each DC's port; when the
//                              launcher lists `mtproxy_secret` (its DC ports then require it) the
//                              secret's 16 key bytes are mixed into the keys and the header names
//                              the DC (mtcute's ObfuscatedPacketCodec)
//         'obfuscated-padded'  the same around padded intermediate (required by a `dd` secret)
//         'mtproxy'            mtcute's MtProxyTcpTransport: every DC through one host:port, DC named
//                              in the header; options.mtproxy or config.mtproxy; of an `ee` secret
//                              only the key is used (classic MTProxy, no TLS)
//         'mtproxy-faketls'    the same with the `ee` secret as given: mtcute's fake-TLS handshake
//                              and TLS records
//       dcId:      the DC mtcute connects to first (default: the bot's home DC, 2; 1 with one DC)
//       mtproxy:   {host, port, secret} for the mtproxy transports (default config.mtproxy)
//       logLevel:  mtcute log level (0 off .. 5 verbose; default $MTCUTE_LOG or 1 = errors)
//     }
//     The client uses in-memory storage (no sqlite), trusts the launcher's RSA key and carries its
//     api_id/api_hash. Nothing connects until the first call; `await client.destroy()` when done.
//
//   makeTransport(config, name, options) -> a mtcute TelegramTransport (same names and options)
//   await registerLauncherKey(config)     trust config.rsa (done by createMtcuteClient)
//   dcOptionsFor(config, dcId)            {main, media} BasicDcOptions (media-only option if listed)
//   downloadSha256(client, location, params) -> {sha256 (hex), bytes, seconds}: streams
//     client.downloadAsIterable(location, params) into a SHA-256 without keeping the file
//   await downloadDemoFile(client, config, fileName, params) -> {sha256, bytes, seconds, expected}:
//     a logged-in client fetches the demo channel's post of that file (resolveUsername +
//     client.getMessages) and downloads its Document with mtcute's downloader (its own DC routing);
//     `expected` is the JSON's message entry (compare expected.sha256)
//
// Example (the benchmark's use):
//   const client = await createMtcuteClient(config, { transport: 'tcp' })
//   await client.start({ botToken: config.bot_token })
//   const r = await downloadDemoFile(client, config, 'big.bin')   // r.sha256 === r.expected.sha256
//   await client.destroy()
//
//   watchLog(client, tags) -> {lines, errors, warnings}: collects mtcute's own log lines: `lines`
//     down to debug for those tags, e.g. 'network' ("exporting auth to dc 3"), and every error and
//     warning whatever the tag; printing stays at the client's log level
import { createHash } from 'node:crypto'
import { format } from 'node:util'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  MemoryStorage,
  IntermediatePacketCodec,
  PaddedIntermediatePacketCodec,
  ObfuscatedPacketCodec,
} from '@mtcute/core'
import { addPublicKey, parsePublicKey } from '@mtcute/core/utils.js'
import { TelegramClient, TcpTransport, MtProxyTcpTransport } from '@mtcute/node'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'

export const TRANSPORTS = ['tcp', 'padded', 'obfuscated', 'obfuscated-padded', 'mtproxy', 'mtproxy-faketls']

/** The DC a client starts on by default: where the launcher's bot lives. */
export function botHomeDc(config) {
  const mainIds = new Set(config.dcs.filter((d) => !d.media_only && !d.cdn).map((d) => d.id))
  return mainIds.has(2) ? 2 : Math.min(...mainIds)
}

/** mtcute's DcOptions for one DC of the launcher: its main option and its media-only one (if any). */
export function dcOptionsFor(config, dcId) {
  const toOption = (d) => ({ id: d.id, ipAddress: d.host, port: d.port, mediaOnly: Boolean(d.media_only) })
  const main = config.dcs.find((d) => d.id === dcId && !d.media_only && !d.cdn)
  if (!main) throw new Error(`the launcher lists no main option for DC ${dcId}`)
  const media = config.dcs.find((d) => d.id === dcId && d.media_only && !d.cdn) ?? main
  return { main: toOption(main), media: toOption(media) }
}

const keyCrypto = new NodeCryptoProvider()
let keyIndex

/**
 * Makes mtcute trust the launcher's RSA key (a process-wide registry keyed by fingerprint).
 *
 * mtcute 0.30.3 bug, handled here: addPublicKey indexes a key by its fingerprint as 16 hex digits,
 * but the handshake looks fingerprints up as `Long.toUnsigned().toString(16)`, which drops leading
 * zeros, so a key whose fingerprint starts with a 0 nibble (1 key in 16; the launcher makes a new
 * key at every start) is never found ("Could not find server public key"). Telegram's own keys
 * happen not to start with 0. Such a key is also indexed under the short spelling.
 */
export async function registerLauncherKey(config) {
  addPublicKey(keyCrypto, config.rsa.public_key_pem)
  const parsed = parsePublicKey(keyCrypto, config.rsa.public_key_pem)
  const expected = BigInt.asUintN(64, BigInt(config.rsa.fingerprint)).toString(16).padStart(16, '0')
  if (parsed.fingerprint !== expected) {
    throw new Error(`mtcute computes fingerprint ${parsed.fingerprint} for the launcher's key, the JSON says ${expected}`)
  }
  const short = parsed.fingerprint.replace(/^0+/, '')
  if (short !== parsed.fingerprint) {
    if (!keyIndex) {
      // the registry is not exported; import the very module addPublicKey writes to
      const core = dirname(createRequire(import.meta.url).resolve('@mtcute/core'))
      keyIndex = (await import(pathToFileURL(join(core, 'tl', 'binary', 'rsa-keys.js')).href)).__publicKeyIndex
    }
    keyIndex[short] = parsed
  }
}

/**
 * An MTProxy secret in hex: its 16 key bytes, whether `dd` (padded intermediate) was asked, and the
 * domain of an `ee` (fake-TLS) secret.
 */
export function parseSecret(hex) {
  const bytes = Buffer.from(hex, 'hex')
  if (bytes.length === 16) return { raw: bytes, padded: false, fakeTlsDomain: null }
  if (bytes.length === 17 && bytes[0] === 0xdd) return { raw: bytes.subarray(1), padded: true, fakeTlsDomain: null }
  if (bytes.length > 17 && bytes[0] === 0xee) {
    return { raw: bytes.subarray(1, 17), padded: false, fakeTlsDomain: bytes.subarray(17).toString('latin1') }
  }
  throw new Error(`unsupported MTProxy secret ${hex}`)
}

/** TCP like mtcute's TcpTransport, framed by a codec of mtcute's own. */
class CodecTcpTransport extends TcpTransport {
  constructor(makeCodec) {
    super()
    this._makeCodec = makeCodec
  }

  packetCodec(dc) {
    return this._makeCodec(dc)
  }
}

export function makeTransport(config, name = 'tcp', options = {}) {
  switch (name) {
    case 'tcp':
      return new TcpTransport()
    case 'padded':
      return new CodecTcpTransport(() => new PaddedIntermediatePacketCodec())
    case 'obfuscated':
    case 'obfuscated-padded': {
      const secret = config.mtproxy_secret ? parseSecret(config.mtproxy_secret) : null
      const padded = name === 'obfuscated-padded'
      if (secret?.padded && !padded) {
        throw new Error('the launcher\'s secret is dd-prefixed: only obfuscated-padded is accepted')
      }
      return new CodecTcpTransport((dc) => {
        const inner = padded ? new PaddedIntermediatePacketCodec() : new IntermediatePacketCodec()
        const proxy = secret
          ? { dcId: dc.id, media: Boolean(dc.mediaOnly), test: false, secret: secret.raw }
          : undefined
        return new ObfuscatedPacketCodec(inner, proxy)
      })
    }
    case 'mtproxy':
    case 'mtproxy-faketls': {
      const proxy = options.mtproxy ?? config.mtproxy
      if (!proxy) throw new Error('the launcher has no mtproxy endpoint and none was given')
      const secret = parseSecret(proxy.secret)
      let hex = proxy.secret
      if (name === 'mtproxy-faketls') {
        if (!secret.fakeTlsDomain) throw new Error(`mtproxy-faketls needs an ee secret, got ${proxy.secret}`)
      } else if (secret.fakeTlsDomain) {
        hex = secret.raw.toString('hex') // classic MTProxy with the key of the ee secret (no TLS)
      }
      return new MtProxyTcpTransport({ host: proxy.host, port: proxy.port, secret: hex })
    }
    default:
      throw new Error(`unknown transport ${name}; known: ${TRANSPORTS.join(', ')}`)
  }
}

export async function createMtcuteClient(config, options = {}) {
  const { transport = 'tcp', dcId = botHomeDc(config), logLevel } = options
  await registerLauncherKey(config)
  return new TelegramClient({
    apiId: config.api_id,
    apiHash: config.api_hash,
    storage: new MemoryStorage(),
    defaultDcs: dcOptionsFor(config, dcId),
    transport: makeTransport(config, transport, options),
    logLevel: logLevel ?? Number(process.env.MTCUTE_LOG ?? 1),
  })
}

export async function downloadSha256(client, location, params = {}) {
  const hash = createHash('sha256')
  let bytes = 0
  const started = process.hrtime.bigint()
  for await (const chunk of client.downloadAsIterable(location, params)) {
    hash.update(chunk)
    bytes += chunk.length
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { sha256: hash.digest('hex'), bytes, seconds }
}

export async function downloadDemoFile(client, config, fileName, params = {}) {
  let channel
  let expected
  for (const c of config.channels) {
    expected = c.messages.find((m) => m.file_name === fileName)
    if (expected) {
      channel = c
      break
    }
  }
  if (!expected) throw new Error(`the launcher's JSON has no file named ${fileName}`)
  const resolved = await client.call({ _: 'contacts.resolveUsername', username: channel.username })
  const chat = resolved.chats.find((c) => c.id === channel.id)
  if (!chat) throw new Error(`contacts.resolveUsername(${channel.username}) did not return the channel`)
  const [msg] = await client.getMessages(
    { _: 'inputPeerChannel', channelId: chat.id, accessHash: chat.accessHash }, [expected.id])
  if (!msg?.media) throw new Error(`message ${expected.id} has no media`)
  const got = await downloadSha256(client, msg.media, { fileSize: expected.size, ...params })
  return { ...got, expected }
}

export function watchLog(client, tags = []) {
  const mgr = client.log.mgr
  const printLevel = mgr.level
  const print = mgr.handler
  const wanted = new Set(tags)
  const seen = { lines: [], errors: [], warnings: [] }
  mgr.level = Math.max(printLevel, 4) // DEBUG
  mgr.handler = (color, level, tag, fmt, args) => {
    if (level <= 2 || wanted.has(tag)) {
      const line = `[${tag}] ${format(fmt, ...args)}`
      if (level === 1) seen.errors.push(line)
      else if (level === 2) seen.warnings.push(line)
      if (wanted.has(tag)) seen.lines.push(line)
    }
    if (level <= printLevel) print(color, level, tag, fmt, args)
  }
  return seen
}
