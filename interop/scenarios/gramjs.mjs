// Scenario 2: GramJS (telegram@2.26.22, API layer 198) against testkit, over each of its TCP
// connections: TCPFull, TCPAbridged and TCPObfuscated.
//
// For each connection a fresh GramJS client (fresh auth key, no login: the launcher runs with
// --guest-access):
//   1. auth key creation: GramJS's own exchange (its legacy p_q_inner_data without dc, RSA_PAD);
//   2. invokeWithLayer(198, initConnection(help.getConfig)): GramJS sends it on connect; the
//      scenario sends it once more through raw invoke and checks the config against the JSON
//      (this_dc, every DC option with its port and flags, date, expiry);
//   3. upload.getFile of the document part by part (1 MiB parts) through raw client.invoke,
//      SHA-256 compared with the JSON.
//
// Where the document's id / access_hash / file_reference come from: GramJS decodes with its
// layer-198 schema, and testkit answers with layer-227 constructors. The scenario first asks
// GramJS itself (contacts.resolveUsername, channels.getMessages through raw invoke) and uses the
// answer if GramJS can read it; when it cannot (the constructors of channel / message changed
// ids between the layers, so GramJS reports an unknown constructor id), mtcute (layer 227, the
// same as testkit) fetches the message and hands the document's location to GramJS. The bytes
// are still fetched by GramJS only: upload.getFile, upload.file and storage.FileType are the same
// in both layers.
//
// GramJS 2.26.22 quirks handled in lib/gramjs.mjs, none of them testkit's: it connects to port 80
// whatever the session says (the connection class maps DC ids to the launcher's ports), its
// StringSession cannot save a port above 32767 (MemorySession instead), and its plain abridged
// codec reads packet bodies with a short read (a 1 MiB upload.file arrives in pieces and fails its
// msg_key check), so 'abridged' uses the same framing read with readExactly. Its key exchange
// sends the official schema's legacy p_q_inner_data (no dc), which testkit rejected until
// mtproto-core's ServerKeyExchange learned it.
//
// Environment: TESTKIT_JAR (the launcher jar), GRAMJS_SIZE (default 8MiB), GRAMJS_LOG.
import { startLauncher, demoFile, mainDc } from '../lib/launcher.mjs'
import { check, checkEqual, runScenario } from '../lib/check.mjs'
import { createGramClient, downloadRaw, documentLocation, CONNECTIONS, Api, bigInt } from '../lib/gramjs.mjs'
import { createMtcuteClient } from '../lib/mtcute.mjs'
import { LAYER } from 'telegram/tl/AllTLObjects.js'

const FILE = 'gramjs-doc.bin'
const SIZE = process.env.GRAMJS_SIZE ?? '8MiB'
const USERNAME = 'telefetch_demo'

const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6

/** What GramJS's layer-198 decoder makes of testkit's answers; null when it cannot read them. */
async function resolveWithGramJs(client, channelJson, messageId) {
  const attempts = []
  let document = null
  try {
    const resolved = await client.invoke(new Api.contacts.ResolveUsername({ username: USERNAME }))
    attempts.push(`contacts.resolveUsername decoded (${resolved.chats?.length ?? 0} chats)`)
  } catch (e) {
    attempts.push(`contacts.resolveUsername: ${describeDecodeFailure(e)}`)
  }
  try {
    const messages = await client.invoke(new Api.channels.GetMessages({
      channel: new Api.InputChannel({
        channelId: bigInt(String(channelJson.id)),
        accessHash: bigInt(channelJson.access_hash),
      }),
      id: [new Api.InputMessageID({ id: messageId })],
    }))
    const doc = messages.messages?.[0]?.media?.document
    if (doc instanceof Api.Document) {
      document = { id: doc.id.toString(), accessHash: doc.accessHash.toString(), fileReference: doc.fileReference, size: Number(doc.size) }
      attempts.push('channels.getMessages decoded, document found')
    } else {
      attempts.push(`channels.getMessages decoded but holds no document (${messages.className})`)
    }
  } catch (e) {
    attempts.push(`channels.getMessages: ${describeDecodeFailure(e)}`)
  }
  return { document, attempts }
}

function describeDecodeFailure(e) {
  if (e?.invalidConstructorId !== undefined) {
    const id = (e.invalidConstructorId >>> 0).toString(16).padStart(8, '0')
    return `GramJS (layer ${LAYER}) cannot decode the answer: unknown constructor 0x${id}`
  }
  throw e // anything else is a real failure
}

/** The document's location through mtcute (layer 227, testkit's layer), as a guest. */
async function resolveWithMtcute(config, channelJson, messageId, dcId) {
  const mt = await createMtcuteClient(config, { dcId })
  try {
    const resolved = await mt.call({ _: 'contacts.resolveUsername', username: USERNAME })
    const channel = resolved.chats.find((c) => c._ === 'channel' && String(c.id) === String(channelJson.id))
    check(channel, `mtcute: contacts.resolveUsername(${USERNAME}) lists no channel ${channelJson.id}`)
    checkEqual(channel.accessHash.toString(), channelJson.access_hash, 'mtcute: the channel access_hash')
    const got = await mt.call({
      _: 'channels.getMessages',
      channel: { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash },
      id: [{ _: 'inputMessageID', id: messageId }],
    })
    const doc = got.messages?.[0]?.media?.document
    check(doc?._ === 'document', `mtcute: message ${messageId} carries no document`)
    return { id: doc.id.toString(), accessHash: doc.accessHash.toString(), fileReference: doc.fileReference, size: Number(doc.size), dcId: doc.dcId }
  } finally {
    await mt.destroy()
  }
}

function checkConfig(cfg, config, dcId, label) {
  check(cfg instanceof Api.Config, `${label}: help.getConfig answered ${cfg?.className}`)
  checkEqual(cfg.thisDc, dcId, `${label}: config.this_dc`)
  const now = Math.floor(Date.now() / 1000)
  check(Math.abs(cfg.date - now) <= 60, `${label}: config.date ${cfg.date} is not now (${now})`)
  check(cfg.expires > cfg.date, `${label}: config.expires ${cfg.expires} is not after its date ${cfg.date}`)
  const key = (o) => `${o.id}/${o.host}:${o.port}/media=${o.media}/cdn=${o.cdn}`
  const expected = config.dcs.map((d) => key({ id: d.id, host: d.host, port: d.port, media: !!d.media_only, cdn: !!d.cdn })).sort()
  const actual = cfg.dcOptions.filter((o) => !o.ipv6)
    .map((o) => key({ id: o.id, host: o.ipAddress, port: o.port, media: !!o.mediaOnly, cdn: !!o.cdn })).sort()
  checkEqual(JSON.stringify(actual), JSON.stringify(expected), `${label}: config.dc_options against the JSON's dcs`)
  return cfg.dcOptions.length
}

runScenario('gramjs', async () => {
  const launcher = await startLauncher(['--dcs', '2', '--file', `${FILE}:${SIZE}:2`, '--guest-access'])
  let failed = true
  try {
    const { config } = launcher
    checkEqual(config.guest_access, true, 'the launcher JSON guest_access')
    const { channel, message } = demoFile(config, FILE)
    const dcId = message.dc
    mainDc(config, dcId)
    console.log(`[gramjs] GramJS layer ${LAYER}; ${FILE}: ${message.size} bytes on DC ${dcId}, sha256 ${message.sha256.slice(0, 16)}...`)

    let location = null
    const results = []
    for (const connection of CONNECTIONS) {
      const label = `GramJS ${connection}`
      const t0 = process.hrtime.bigint()
      const client = await createGramClient(config, { dcId, connection })
      try {
        const connectMs = ms(t0)
        const key = client.session.getAuthKey()?.getKey()
        check(key && key.length === 256, `${label}: no 256-byte auth key after connect (${key?.length})`)

        const t1 = process.hrtime.bigint()
        const cfg = await client.invoke(new Api.InvokeWithLayer({
          layer: LAYER,
          query: new Api.InitConnection({
            apiId: config.api_id,
            deviceModel: 'telefetch-interop',
            systemVersion: process.version,
            appVersion: 'gramjs-2.26.22',
            systemLangCode: 'en',
            langPack: '',
            langCode: 'en',
            query: new Api.help.GetConfig(),
          }),
        }))
        const options = checkConfig(cfg, config, dcId, label)
        const configMs = ms(t1)

        if (!location) {
          const gram = await resolveWithGramJs(client, channel, message.id)
          for (const line of gram.attempts) console.log(`[gramjs]   ${line}`)
          if (gram.document) {
            location = { ...gram.document, from: 'GramJS itself' }
          } else {
            const mt = await resolveWithMtcute(config, channel, message.id, dcId)
            checkEqual(mt.dcId, dcId, 'the document dc_id (mtcute) against the JSON')
            location = { ...mt, from: 'mtcute (GramJS cannot decode the layer-227 answers)' }
          }
          checkEqual(location.size, message.size, `the document size (${location.from})`)
          console.log(`[gramjs]   document ${location.id} located by ${location.from}`)
        }

        const dl = await downloadRaw(client, documentLocation(location), message.size, { parallel: 1 })
        checkEqual(dl.bytes, message.size, `${label}: bytes downloaded`)
        checkEqual(dl.sha256, message.sha256, `${label}: SHA-256 of the upload.getFile parts`)
        const mbps = message.size / 1e6 / dl.seconds
        results.push({ connection, connectMs, configMs, seconds: dl.seconds, mbps })
        console.log(`[gramjs] ${label}: auth key + initConnection ${connectMs.toFixed(0)} ms; ` +
          `invokeWithLayer(initConnection(help.getConfig)) ${configMs.toFixed(0)} ms, ${options} DC options match; ` +
          `${dl.requests} x upload.getFile in ${dl.seconds.toFixed(2)} s (${mbps.toFixed(1)} MB/s), SHA-256 matches`)
      } finally {
        await client.destroy()
      }
    }
    check(results.length === CONNECTIONS.length, 'not every connection ran')
    failed = false
  } finally {
    const status = await launcher.stop()
    if (!failed) checkEqual(status, 0, 'the launcher exit status')
  }
})
