#!/usr/bin/env node
// Converts mtcute's JSON rendering of the Telegram TL schema into canonical TL text.
//
// Usage:
//   node tl-schema/convert-schema.mjs --package-dir <extracted npm package dir> --out-dir <dir>
//
// Normally run by tl-schema/update-schema.sh, which downloads and extracts the npm package.
// Reads <package-dir>/tl/api-schema.json and <package-dir>/tl/mtp-schema.json and writes
// <out-dir>/api.tl and <out-dir>/mtproto.tl.
//
// Every emitted line that carries an explicit constructor id is cross-checked against the CRC32
// of its normalised form (see normaliseForCrc). Any mismatch outside CRC_ALLOW_LIST makes the
// script exit non-zero WITHOUT writing the output files, so a bad conversion never replaces a
// good schema.
//
// Node 20+, ES module, no npm dependencies.

import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * Lines whose id is allowed NOT to match the CRC32 of their own normalised line, each with the
 * reason. Where `crcName` is given the mismatch is still verified: the id must equal the CRC32
 * of the same line under that (original) name, so nothing else may have changed.
 *
 * Generic methods such as `invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X` need no
 * entry: with this normalisation (`{X:Type}` becomes `X:Type`) all of them reproduce their ids.
 * Add a name only if its mismatch is understood and truly unavoidable.
 */
const CRC_ALLOW_LIST = new Map([
  // Both come from TDLib's telegram_api.tl (not from the schema published on
  // core.telegram.org): Telegram renamed the old constructors with a "Legacy" suffix but kept
  // their ids, which are the CRC32 of the original names. The current constructors of those
  // names have new ids (inputPeerPhotoFileLocation#37257e99, inputStickerSetThumb#9d84f3db).
  ['inputPeerPhotoFileLocationLegacy', {
    reason: 'renamed legacy constructor, id of inputPeerPhotoFileLocation',
    crcName: 'inputPeerPhotoFileLocation',
  }],
  ['inputStickerSetThumbLegacy', {
    reason: 'renamed legacy constructor, id of inputStickerSetThumb',
    crcName: 'inputStickerSetThumb',
  }],
]);

/**
 * mtcute's mtp-schema.json marks every entry as kind "class", including the service
 * methods. These names (after stripping the `mt_` prefix) are functions in Telegram's
 * official MTProto schema (core.telegram.org/schema/mtproto) and go under ---functions---.
 * Every one of them must be present in the JSON; anything else is a constructor.
 */
const MTPROTO_FUNCTIONS = [
  'req_pq_multi',
  'req_DH_params',
  'set_client_DH_params',
  'rpc_drop_answer',
  'get_future_salts',
  'ping',
  'ping_delay_disconnect',
  'destroy_session',
  'destroy_auth_key',
];

/**
 * Definitions from Telegram's official schemas that mtcute hard-codes in its runtime and
 * therefore leaves out of its JSON. Each is added only if the JSON lacks an entry of that
 * name; if the JSON has one, its rendering must equal the official line (checked).
 *
 * `vector#1cb5c415 {t:Type} # [ t ] = Vector t;` is deliberately absent: our Java TL parser
 * treats Vector as built-in.
 */
const OFFICIAL_API_CORE = [
  'boolFalse#bc799737 = Bool;',
  'boolTrue#997275b5 = Bool;',
  'true#3fedd339 = True;',
  'error#c4b9f9bb code:int text:string = Error;',
  'null#56730bcc = Null;',
];

const OFFICIAL_MTPROTO_CORE = [
  'rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult;',
  // The official page prints `messages:vector<%Message>`, but its id 0x73f1f8dc is the CRC32 of
  // `msg_container messages:vector message = MessageContainer`; the two spellings mean the same
  // thing (bare Message, whose only constructor is `message`), so we use the one that checks.
  'msg_container#73f1f8dc messages:vector<message> = MessageContainer;',
  // Bare, id-less: only ever appears inside msg_container.
  'message msg_id:long seqno:int bytes:int body:Object = Message;',
  'msg_copy#e06046b2 orig_message:Message = MessageCopy;',
  'gzip_packed#3072cfa1 packed_data:bytes = Object;',
  // Bare, id-less: its serialisation is hashed to obtain an RSA key fingerprint
  // (core.telegram.org/mtproto/auth_key spells the fields n:string e:string; identical on the wire).
  'rsa_public_key n:bytes e:bytes = RSAPublicKey;',
];

/** Primitive (bare, lowercase) types that need no declaration in the schema. */
const BUILTIN_TYPES = new Set(['#', 'int', 'long', 'double', 'string', 'bytes', 'int128', 'int256', 'true']);

/** Keys we understand inside an argument's / a method's `typeModifiers`. */
const ARG_MODIFIERS = new Set(['predicate', 'isVector', 'isBareVector', 'isBareType', 'constructorId']);
const METHOD_MODIFIERS = new Set(['isVector', 'constructorId']);

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function fail(message) {
  console.error(`convert-schema: error: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === '--package-dir' || key === '--out-dir') {
      if (i + 1 >= argv.length) fail(`${key} needs a value`);
      opts[key.slice(2)] = argv[++i];
    } else {
      fail(`unknown argument ${key}\nusage: convert-schema.mjs --package-dir <dir> --out-dir <dir>`);
    }
  }
  if (!opts['package-dir'] || !opts['out-dir']) {
    fail('usage: convert-schema.mjs --package-dir <dir> --out-dir <dir>');
  }
  return opts;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
}

/** Table-driven CRC32 (IEEE 802.3 polynomial, as zlib), over a byte array. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Constructor ids are written as Telegram does: lowercase hex, no zero padding. */
function hexId(id) {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) fail(`bad constructor id ${id}`);
  return id.toString(16);
}

// ---------------------------------------------------------------------------------------------
// JSON entry -> TL line
// ---------------------------------------------------------------------------------------------

/** mtcute prefixes MTProto service names with `mt_`; the official schema does not. */
function stripMt(name) {
  return name.startsWith('mt_') ? name.slice(3) : name;
}

/** mtcute-only entries that are not part of Telegram's schema. */
function isMtcuteOnly(name) {
  const last = name.slice(name.lastIndexOf('.') + 1);
  return name.startsWith('mtcute.') || /^dummy/i.test(last);
}

/** Maps a plain (unmodified) mtcute type name to its canonical TL spelling. */
function mapTypeName(type) {
  if (type === 'int53') return 'long'; // mtcute's name for a `long` it exposes as a JS number
  return stripMt(type);
}

function renderArgType(where, arg) {
  const mods = arg.typeModifiers ?? {};
  for (const key of Object.keys(mods)) {
    if (!ARG_MODIFIERS.has(key)) fail(`${where}: unknown argument modifier "${key}"`);
  }
  if (mods.isVector && mods.isBareVector) fail(`${where}: both isVector and isBareVector`);

  let type = mapTypeName(arg.type);
  if (mods.isBareType) {
    // A bare element: either a constructor name (lowercase, e.g. future_salt) or %Type.
    if (!/^[a-z]/.test(type.slice(type.lastIndexOf('.') + 1))) type = `%${type}`;
  }
  if (mods.isVector) type = `Vector<${type}>`;
  if (mods.isBareVector) type = `vector<${type}>`;
  if (mods.predicate !== undefined) {
    if (!/^flags\d*\.\d+$/.test(mods.predicate)) fail(`${where}: odd predicate "${mods.predicate}"`);
    type = `${mods.predicate}?${type}`;
  }
  // Note: constructorId on an argument is mtcute metadata (the id of a bare element); it is
  // implied by the element type name and not rendered.
  return type;
}

function renderResultType(entry) {
  const mods = entry.typeModifiers ?? {};
  for (const key of Object.keys(mods)) {
    if (!METHOD_MODIFIERS.has(key)) fail(`${entry.name}: unknown entry modifier "${key}"`);
  }
  const type = mapTypeName(entry.type);
  // An entry-level isVector means the method returns Vector<type>. An entry-level
  // constructorId is mtcute metadata (the single constructor of the result type): ignored.
  return mods.isVector ? `Vector<${type}>` : type;
}

function renderEntry(entry) {
  const name = stripMt(entry.name);
  const parts = [`${name}#${hexId(entry.id)}`];
  for (const g of entry.generics ?? []) parts.push(`{${g.name}:${g.type}}`);
  for (const arg of entry.arguments ?? []) {
    parts.push(`${arg.name}:${renderArgType(`${entry.name}.${arg.name}`, arg)}`);
  }
  parts.push('=', `${renderResultType(entry)};`);
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Checks on the emitted text
// ---------------------------------------------------------------------------------------------

/** Splits `name#id rest;` into its parts (id is null for id-less bare combinators). */
function splitLine(line) {
  const m = /^([\w.]+)(?:#([0-9a-f]+))?( .*);$/.exec(line);
  if (!m) fail(`malformed TL line: ${line}`);
  return { name: m[1], id: m[2] === undefined ? null : parseInt(m[2], 16), rest: m[3] };
}

/**
 * The form whose CRC32 is the constructor id: the line without `#id` and `;`, with bytes
 * spelled string, vector brackets turned into spaces, braces removed, `flags.N?true` fields
 * removed and whitespace collapsed.
 */
function normaliseForCrc(line) {
  const { name, rest } = splitLine(line);
  return `${name}${rest} `
    .replaceAll(':bytes ', ':string ')
    .replaceAll('?bytes ', '?string ')
    .replaceAll('<', ' ')
    .replaceAll('>', '')
    .replaceAll('{', '')
    .replaceAll('}', '')
    .replace(/ \w+:flags\d*\.\d+\?true/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** CRC32 of the line's normalised form with its name replaced by `name`. */
function crcUnderName(line, name) {
  const normalised = normaliseForCrc(line);
  return crc32(Buffer.from(name + normalised.slice(normalised.indexOf(' ')), 'ascii'));
}

/** Returns {checked, ok, mismatches[], allowed[], idless[]} for the given lines. */
function crcCheck(lines) {
  const result = { checked: 0, ok: 0, mismatches: [], allowed: [], idless: [] };
  for (const line of lines) {
    const { name, id } = splitLine(line);
    if (id === null) {
      result.idless.push(name);
      continue;
    }
    result.checked++;
    const actual = crc32(Buffer.from(normaliseForCrc(line), 'ascii'));
    const allowed = CRC_ALLOW_LIST.get(name);
    if (actual === id) {
      result.ok++;
    } else if (allowed && (!allowed.crcName || crcUnderName(line, allowed.crcName) === id)) {
      result.allowed.push(`${name}#${hexId(id)} (${allowed.reason}${allowed.crcName ? ', verified' : ''})`);
    } else {
      result.mismatches.push(`${name}: id ${hexId(id)}, crc ${hexId(actual)} of "${normaliseForCrc(line)}"`);
    }
  }
  return result;
}

/**
 * Every referenced type must be a builtin, a generic parameter, the result type of some
 * constructor in the same file, or (for bare references) a constructor name. Catches dangling
 * references, e.g. to a dropped mtcute-only type.
 */
function checkReferences(file, types, functions) {
  const boxed = new Set(['Type']);
  const bare = new Set();
  for (const line of types) {
    const { name, rest } = splitLine(line);
    bare.add(name);
    boxed.add(rest.slice(rest.lastIndexOf('=') + 1).trim());
  }
  const problems = [];
  for (const line of [...types, ...functions]) {
    const { name, rest } = splitLine(line);
    const generics = new Set([...rest.matchAll(/\{(\w+):Type\}/g)].map((m) => m[1]));
    const [params, result] = [rest.slice(0, rest.lastIndexOf('=')), rest.slice(rest.lastIndexOf('=') + 1)];
    const refs = [...params.replace(/\{\w+:Type\}/g, '').matchAll(/:(\S+)/g)].map((m) => m[1]);
    refs.push(result.trim());
    for (let t of refs) {
      t = t.replace(/^flags\d*\.\d+\?/, '').replace(/^!/, '');
      const vec = /^[Vv]ector<(.+)>$/.exec(t);
      if (vec) t = vec[1];
      if (BUILTIN_TYPES.has(t) || generics.has(t)) continue;
      if (t.startsWith('%') ? boxed.has(t.slice(1)) : boxed.has(t) || bare.has(t)) continue;
      problems.push(`${name} references undeclared type ${t}`);
    }
  }
  if (problems.length) fail(`${file}: dangling type references:\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------
// Building one .tl file
// ---------------------------------------------------------------------------------------------

/**
 * @param entries  JSON entries in package order
 * @param isFunction  (entry) => boolean
 * @param official  official lines to add when the JSON lacks them
 * @return {{types: string[], functions: string[], added: string[], dropped: string[], core: string[]}}
 */
function convert(entries, isFunction, official) {
  const types = [];
  const functions = [];
  const dropped = [];
  const byName = new Map();
  for (const entry of entries) {
    if (isMtcuteOnly(entry.name)) {
      dropped.push(`${entry.name}#${hexId(entry.id)}`);
      continue;
    }
    const line = renderEntry(entry);
    const name = stripMt(entry.name);
    if (byName.has(name)) fail(`duplicate entry ${name}`);
    byName.set(name, line);
    (isFunction(entry) ? functions : types).push(line);
  }

  // Official definitions the package hard-codes: add the missing ones, verify the others.
  const core = [];
  const added = [];
  for (const line of official) {
    const { name } = splitLine(line);
    if (!byName.has(name)) {
      core.push(line);
      added.push(name);
    } else if (byName.get(name) !== line) {
      fail(`JSON entry ${name} renders as\n  ${byName.get(name)}\nbut the official schema has\n  ${line}`);
    }
  }
  return { types, functions, added, dropped, core };
}

function renderFile({ header, core, types, functions }) {
  const out = [...header.map((l) => `// ${l}`.trimEnd()), ''];
  if (core.length) {
    out.push(
      '// Part of the official Telegram schema; the package hard-codes these in its runtime,',
      '// so they are missing from its JSON and were added by the converter.',
      ...core,
      '',
    );
  }
  out.push(...types, '', '---functions---', '', ...functions, '');
  return out.join('\n');
}

function headerLines({ pkg, source, layer, layerNote = '', dropped, extra }) {
  const lines = [
    `Generated by tl-schema/update-schema.sh from npm package ${pkg.name}@${pkg.version} (${pkg.license}),`,
    `file package/${source} (mtcute's JSON rendering of the Telegram TL schema), layer ${layer}${layerNote}.`,
    'Do not edit by hand: re-run tl-schema/update-schema.sh.',
    'Definitions only: the package\'s descriptions are not included.',
    ...extra,
  ];
  lines.push(dropped.length
    ? `Dropped mtcute-only entries (not part of Telegram's schema): ${dropped.join(', ')}.`
    : 'Dropped mtcute-only entries: none.');
  lines.push('', `LAYER ${layer}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pkgDir = opts['package-dir'];
  const outDir = opts['out-dir'];

  const pkg = readJson(path.join(pkgDir, 'package.json'));
  const api = readJson(path.join(pkgDir, 'tl', 'api-schema.json'));
  const mtp = readJson(path.join(pkgDir, 'tl', 'mtp-schema.json'));
  if (!Number.isInteger(api.l) || !Array.isArray(api.e)) fail('api-schema.json: expected {"l": layer, "e": [...]}');
  if (!Array.isArray(mtp)) fail('mtp-schema.json: expected an array');
  const layer = api.l;

  // --- api.tl -----------------------------------------------------------------------------
  for (const e of api.e) {
    if (e.kind !== 'class' && e.kind !== 'method') fail(`${e.name}: unknown kind ${e.kind}`);
  }
  const apiOut = convert(api.e, (e) => e.kind === 'method', OFFICIAL_API_CORE);

  // --- mtproto.tl -------------------------------------------------------------------------
  const mtpNames = new Set(mtp.map((e) => stripMt(e.name)));
  const missing = MTPROTO_FUNCTIONS.filter((n) => !mtpNames.has(n));
  if (missing.length) fail(`mtp-schema.json lacks the MTProto functions ${missing.join(', ')}`);
  const mtpFunctions = new Set(MTPROTO_FUNCTIONS);
  const mtpOut = convert(mtp, (e) => e.kind === 'method' || mtpFunctions.has(stripMt(e.name)), OFFICIAL_MTPROTO_CORE);
  if (mtpOut.functions.length !== MTPROTO_FUNCTIONS.length) fail('unexpected MTProto function count');

  // --- checks -----------------------------------------------------------------------------
  const files = [
    {
      file: 'api.tl',
      ...apiOut,
      header: headerLines({ pkg, source: 'tl/api-schema.json', layer, dropped: apiOut.dropped, extra: [] }),
    },
    {
      file: 'mtproto.tl',
      ...mtpOut,
      header: headerLines({
        pkg,
        source: 'tl/mtp-schema.json',
        layer,
        layerNote: ' (the API layer of the same package)',
        dropped: mtpOut.dropped,
        extra: [
          'MTProto service schema (core.telegram.org/schema/mtproto); the package\'s `mt_` name prefixes',
          'are removed. The built-in `vector#1cb5c415 {t:Type} # [ t ] = Vector t;` is not declared.',
        ],
      }),
    },
  ];

  let failed = false;
  const allowListUsed = new Set();
  for (const f of files) {
    // The official core lines are all constructors: no function is hard-coded by the package.
    checkReferences(f.file, [...f.core, ...f.types], f.functions);
    const crc = crcCheck([...f.core, ...f.types, ...f.functions]);
    const ctors = f.core.length + f.types.length;
    console.log(`${f.file}: ${ctors} constructors (${f.core.length} added from the official schema), ${f.functions.length} functions`);
    console.log(`  added:   ${f.added.join(', ') || 'none'}`);
    console.log(`  dropped: ${f.dropped.join(', ') || 'none'}`);
    console.log(`  CRC32: ${crc.ok}/${crc.checked} ok, ${crc.mismatches.length} mismatches, ${crc.allowed.length} allow-listed; without id: ${crc.idless.join(', ') || 'none'}`);
    for (const a of crc.allowed) console.log(`    allow-listed mismatch: ${a}`);
    for (const a of crc.allowed) allowListUsed.add(a.slice(0, a.indexOf('#')));
    for (const m of crc.mismatches) console.log(`    MISMATCH ${m}`);
    if (crc.mismatches.length) failed = true;
  }
  // A stale allow-list entry would silently weaken the check for a future schema: flag it.
  for (const name of CRC_ALLOW_LIST.keys()) {
    if (!allowListUsed.has(name)) console.log(`  note: CRC_ALLOW_LIST entry ${name} is no longer needed; remove it`);
  }
  if (failed) fail('CRC32 mismatches outside the allow-list; output files left unchanged');

  // --- write (atomically, only after every check passed) -----------------------------------
  mkdirSync(outDir, { recursive: true });
  for (const f of files) {
    const target = path.join(outDir, f.file);
    writeFileSync(`${target}.tmp`, renderFile(f));
    renameSync(`${target}.tmp`, target);
    console.log(`wrote ${target}`);
  }
}

main();
