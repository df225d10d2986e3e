// Scenario 1 of issue 7: mtcute (@mtcute/node 0.30.3, layer 227) against testkit, once per transport
// mtcute offers: plain intermediate, padded intermediate, obfuscated (around both), MTProxy.
//
// One launcher: 3 DCs, media-only options for DCs 2 and 3, demo.mp4 on DC 2 (the bot's home DC)
// and other.bin on DC 3, an MTProxy secret. For each transport a fresh client with fresh in-memory
// storage, starting on DC 1:
//   auth key + help.getConfig   (raw client.call; dc_options must list the launcher's servers)
//   bot login                   (client.start({botToken}): USER_MIGRATE_2 from DC 1, then mtcute's
//                                updates.getState / getDifference)
//   contacts.resolveUsername    (raw; id, access_hash, title as in the JSON)
//   channels.getMessages        (raw; every post's document: size, DC, MIME type, file name)
//   download demo.mp4           (client.getMessages -> the Document, mtcute's own downloader on its
//                                download pool, media-only option of DC 2), SHA-256 vs the JSON
//   download other.bin          (the raw inputDocumentFileLocation without a DC: upload.getFile on
//                                DC 2 answers FILE_MIGRATE_3, mtcute moves to DC 3, gets
//                                AUTH_KEY_UNREGISTERED there and runs exportAuthorization /
//                                importAuthorization itself), SHA-256 vs the JSON
// Any error mtcute logs fails the transport too (testkit answers it could not use). The launcher's
// secret is a fake-TLS (ee) one: 'mtproxy-faketls' uses it whole (TLS handshake and records), the
// other obfuscated transports its 16 key bytes. MTProxy: with the launcher's `mtproxy` address (one
// host:port for all DCs, routed by the header's DC id) the same full flow; without it "SKIP:
// launcher has no mtproxy endpoint" and a single-DC flow through DC 2's own port (which accepts the
// secret) instead.
//
// Env: TESTKIT_JAR (the launcher jar), MTCUTE_FILE_SIZE (default 64MiB), MTCUTE_TRANSPORTS (comma
// list, default all), MTCUTE_LOG (mtcute's print level, default 1 = errors).
import { randomBytes } from 'node:crypto'
import { startLauncher, mainDc, demoFile } from '../lib/launcher.mjs'
import { InteropFailure, check, checkEqual, runScenario } from '../lib/check.mjs'
import { createMtcuteClient, downloadSha256, watchLog, botHomeDc, TRANSPORTS } from '../lib/mtcute.mjs'

const FILE_SIZE = process.env.MTCUTE_FILE_SIZE ?? '64MiB'
const HOME_FILE = 'demo.mp4'
const OTHER_FILE = 'other.bin'
const START_DC = 1
const FAKE_TLS_DOMAIN = 'www.example.org'
const STEP_TIMEOUT_MS = 60_000

/** Runs one step of one transport: times it, bounds it, and names both in any failure. */
async function step(run, name, fn, timeoutMs = STEP_TIMEOUT_MS) {
  const started = process.hrtime.bigint()
  let timer
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new InteropFailure(`no result within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    const result = await Promise.race([fn(), timeout])
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    run.steps.push({ name, ms })
    return result
  } catch (err) {
    const what = err instanceof InteropFailure ? err.message : (err?.stack ?? String(err))
    const logged = run.log?.errors.length ? `\n  mtcute logged: ${run.log.errors.join('\n  ')}` : ''
    throw new InteropFailure(`[${run.transport}] ${name}: ${what}${logged}`)
  } finally {
    clearTimeout(timer)
  }
}

function checkNoMtcuteErrors(run, after) {
  check(run.log.errors.length === 0, `mtcute logged errors ${after}:\n  ${run.log.errors.join('\n  ')}`)
}

async function flow(config, run, { startDc, files, mtproxy }) {
  const channel = config.channels.find((c) => c.username === 'telefetch_demo')
  check(channel, 'the launcher lists no telefetch_demo channel')
  const client = await createMtcuteClient(config, { transport: run.transport, dcId: startDc, mtproxy })
  run.log = watchLog(client, ['network', 'client'])
  try {
    await step(run, 'auth key + help.getConfig', async () => {
      const cfg = await client.call({ _: 'help.getConfig' })
      checkEqual(cfg._, 'config', 'help.getConfig answer')
      checkEqual(cfg.thisDc, startDc, 'config.this_dc')
      for (const dc of config.dcs) {
        const listed = cfg.dcOptions.find((o) => o.id === dc.id && o.port === dc.port)
        check(listed, `dc_options lacks DC ${dc.id} at port ${dc.port}`)
        checkEqual(listed.ipAddress, dc.host, `dc_options DC ${dc.id} ip_address`)
        checkEqual(Boolean(listed.mediaOnly), dc.media_only, `dc_options DC ${dc.id}:${dc.port} media_only`)
      }
      checkNoMtcuteErrors(run, 'creating the auth key')
    })

    await step(run, 'bot login', async () => {
      const me = await client.start({ botToken: config.bot_token })
      check(me.isBot, 'the logged-in user is not a bot')
      checkEqual(String(me.id), config.bot_token.split(':')[0], 'bot user id')
      checkEqual(me.username, 'telefetch_demo_bot', 'bot username')
      checkEqual(await client.getPrimaryDcId(), botHomeDc(config), 'primary DC after login')
      checkNoMtcuteErrors(run, 'logging in')
    })

    const chat = await step(run, 'contacts.resolveUsername', async () => {
      const r = await client.call({ _: 'contacts.resolveUsername', username: channel.username })
      checkEqual(r.peer._, 'peerChannel', 'resolved peer type')
      checkEqual(r.peer.channelId, channel.id, 'resolved channel id')
      const c = r.chats.find((x) => x.id === channel.id)
      check(c && c._ === 'channel', 'resolvedPeer.chats lacks the channel')
      checkEqual(c.accessHash.toString(), channel.access_hash, 'channel access_hash')
      checkEqual(c.title, channel.title, 'channel title')
      checkEqual(c.username, channel.username, 'channel username')
      return c
    })

    const docs = await step(run, 'channels.getMessages', async () => {
      const res = await client.call({
        _: 'channels.getMessages',
        channel: { _: 'inputChannel', channelId: chat.id, accessHash: chat.accessHash },
        id: channel.messages.map((m) => ({ _: 'inputMessageID', id: m.id })),
      })
      checkEqual(res._, 'messages.channelMessages', 'channels.getMessages answer')
      const byName = new Map()
      for (const expected of channel.messages) {
        const m = res.messages.find((x) => x.id === expected.id)
        check(m && m._ === 'message', `message ${expected.id} missing`)
        checkEqual(m.media?._, 'messageMediaDocument', `message ${expected.id} media`)
        const doc = m.media.document
        checkEqual(doc._, 'document', `message ${expected.id} document`)
        checkEqual(Number(doc.size), expected.size, `${expected.file_name} size`)
        checkEqual(doc.dcId, expected.dc, `${expected.file_name} dc_id`)
        checkEqual(doc.mimeType, expected.mime_type, `${expected.file_name} mime_type`)
        const name = doc.attributes.find((a) => a._ === 'documentAttributeFilename')?.fileName
        checkEqual(name, expected.file_name, `message ${expected.id} file name`)
        byName.set(expected.file_name, { expected, doc })
      }
      return byName
    })

    const primary = await client.getPrimaryDcId()
    for (const name of files) {
      const { expected, doc } = docs.get(name)
      const label = `download ${name} (DC ${expected.dc}, ${(expected.size / 2 ** 20).toFixed(0)} MiB)`
      const timeoutMs = STEP_TIMEOUT_MS + expected.size / 1000 // at least 1 MB/s
      const result = await step(run, label, async () => {
        const exportsBefore = run.log.lines.filter((l) => l.includes(`exporting auth to dc ${expected.dc}`)).length
        let location
        if (expected.dc === primary) {
          // mtcute's own types: the Message's Document, which carries its DC
          const [msg] = await client.getMessages(
            { _: 'inputPeerChannel', channelId: chat.id, accessHash: chat.accessHash }, [expected.id])
          check(msg?.media, `client.getMessages gave no media for message ${expected.id}`)
          checkEqual(msg.media.dcId, expected.dc, 'Document.dcId')
          location = msg.media
        } else {
          // no DC given: mtcute asks its primary DC and must follow FILE_MIGRATE itself
          location = { _: 'inputDocumentFileLocation', id: doc.id, accessHash: doc.accessHash,
            fileReference: doc.fileReference, thumbSize: '' }
        }
        const got = await downloadSha256(client, location, { fileSize: expected.size })
        checkEqual(got.bytes, expected.size, 'downloaded bytes')
        checkEqual(got.sha256, expected.sha256, 'SHA-256')
        if (expected.dc !== primary) {
          const exports = run.log.lines.filter((l) => l.includes(`exporting auth to dc ${expected.dc}`)).length
          check(exports > exportsBefore,
            `mtcute never exported its authorization to DC ${expected.dc} (so no FILE_MIGRATE was followed)`)
        }
        checkNoMtcuteErrors(run, 'downloading')
        return got
      }, timeoutMs)
      run.downloads.push({ name, dc: expected.dc, bytes: result.bytes, seconds: result.seconds })
    }
  } finally {
    await client.destroy()
  }
}

function report(runs) {
  if (runs.length > 1) console.log('[mtcute] (the first transport also pays the launcher JVM\'s warm-up)')
  for (const run of runs) {
    if (run.skipped) console.log(`[mtcute] ${run.transport}: ${run.skipped}`)
    const steps = run.steps.map((s) => `${s.name} ${(s.ms / 1000).toFixed(2)} s`).join(', ')
    const speeds = run.downloads
      .map((d) => `${d.name}@DC${d.dc} ${(d.bytes / 1e6 / d.seconds).toFixed(1)} MB/s`).join(', ')
    const total = run.steps.reduce((a, s) => a + s.ms, 0) / 1000
    console.log(`[mtcute] ${run.transport.padEnd(22)} ${total.toFixed(1)} s total; ${speeds}`)
    console.log(`         ${steps}`)
    if (run.log?.warnings.length) {
      console.log(`         mtcute warnings (${run.log.warnings.length}): ${[...new Set(run.log.warnings)].slice(0, 5).join(' | ')}`)
    }
  }
}

async function main() {
  const wanted = (process.env.MTCUTE_TRANSPORTS ?? TRANSPORTS.join(',')).split(',')
  for (const t of wanted) check(TRANSPORTS.includes(t), `unknown transport ${t} in MTCUTE_TRANSPORTS`)
  // a fake-TLS (ee) secret: 'mtproxy-faketls' uses it whole, every other obfuscated transport
  // (DC ports and the MTProxy address accept clients that skip the TLS part) its 16 key bytes
  const secret = `ee${randomBytes(16).toString('hex')}${Buffer.from(FAKE_TLS_DOMAIN).toString('hex')}`
  const launcher = await startLauncher([
    '--dcs', '3', '--media-dc', '2', '--media-dc', '3',
    '--file', `${HOME_FILE}:${FILE_SIZE}:2`, '--file', `${OTHER_FILE}:${FILE_SIZE}:3`,
    '--mtproxy-secret', secret,
  ])
  const { config } = launcher
  const runs = []
  let status
  try {
    checkEqual(config.mtproxy_secret, secret, 'JSON mtproxy_secret')
    if (config.mtproxy) checkEqual(config.mtproxy.secret, secret, 'JSON mtproxy.secret')
    checkEqual(demoFile(config, HOME_FILE).message.dc, botHomeDc(config), `${HOME_FILE} DC (the bot's home)`)
    check(demoFile(config, OTHER_FILE).message.dc !== botHomeDc(config), `${OTHER_FILE} must live on another DC`)
    for (const transport of wanted) {
      const run = { transport, steps: [], downloads: [] }
      runs.push(run)
      if (!transport.startsWith('mtproxy') || config.mtproxy) {
        await flow(config, run, { startDc: START_DC, files: [HOME_FILE, OTHER_FILE] })
      } else {
        console.log(`[mtcute] SKIP: launcher has no mtproxy endpoint; ${transport} through DC 2's own port instead (single DC)`)
        run.skipped = 'SKIP: launcher has no mtproxy endpoint (ran the single-DC flow through DC 2\'s port)'
        const dc2 = mainDc(config, botHomeDc(config))
        await flow(config, run, {
          startDc: dc2.id,
          files: [HOME_FILE],
          mtproxy: { host: dc2.host, port: dc2.port, secret: config.mtproxy_secret },
        })
      }
    }
  } finally {
    report(runs)
    status = await launcher.stop()
  }
  checkEqual(status, 0, 'launcher exit status after SIGTERM')
}

runScenario('mtcute', main)
