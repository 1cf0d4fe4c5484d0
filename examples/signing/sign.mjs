#!/usr/bin/env node
// Sign and verify bulwark service-to-service requests, node stdlib only.
//
// The scheme is described byte by byte in docs/scaling.md. Import
// signRequest and verifyRequest from your own code, or use the command
// line, which reads requests as JSON Lines, one object per line:
//
//   {"method": "POST", "target": "/path?query", "headers": {...},
//    "body": "<base64>"}
//
//   node sign.mjs sign --key-id gw-2026-01 --key HEX < requests.jsonl
//   node sign.mjs verify --key gw-2026-01=HEX [--key ID=HEX] < signed.jsonl
//   node sign.mjs selftest
//
// `sign` prints each request with the five X-Bulwark headers added; `verify`
// prints {"ok": true} or {"ok": false, "reason": "..."} for each and exits 1
// when any was refused. Keys are given in hex.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const ALGORITHM = "BULWARK-HMAC-SHA256";
export const H_KEY_ID = "X-Bulwark-Key-Id";
export const H_TIMESTAMP = "X-Bulwark-Timestamp";
export const H_NONCE = "X-Bulwark-Nonce";
export const H_DIGEST = "X-Bulwark-Content-SHA256";
export const H_SIGNATURE = "X-Bulwark-Signature";
export const DEFAULT_WINDOW = 300;
const MIN_KEY_BYTES = 16;

export class VerifyError extends Error {
  // reason is one of the words of sign.Reason in Go.
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

// NonceCache remembers nonces until their timestamp leaves the window, as
// Go's MemoryNonces does; for one process only (use Redis SET NX PX across
// several).
export class NonceCache {
  constructor(maxEntries = 1 << 20) {
    this.maxEntries = maxEntries;
    this.expires = new Map();
  }

  // claim records id for ttl seconds and returns false when it was there.
  claim(id, ttl, now) {
    const exp = this.expires.get(id);
    if (exp !== undefined && now < exp) return false;
    if (this.expires.size >= this.maxEntries) {
      for (const [k, e] of this.expires) if (now >= e) this.expires.delete(k);
      if (this.expires.size >= this.maxEntries) throw new VerifyError("nonce_store");
    }
    this.expires.set(id, now + ttl);
    return true;
  }
}

const isHex = (c) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isUnreserved = (c) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
  c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;

// decode percent-decodes bytes leniently: a '%' without two hex digits stays.
function decode(s, plus) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === 0x25 && i + 2 < s.length && isHex(s[i + 1]) && isHex(s[i + 2])) {
      out.push(parseInt(String.fromCharCode(s[i + 1], s[i + 2]), 16));
      i += 2;
    } else {
      out.push(plus && c === 0x2b ? 0x20 : c);
    }
  }
  return Buffer.from(out);
}

// encode keeps RFC 3986 unreserved bytes and writes the rest as %XX.
function encode(s) {
  let out = "";
  for (const c of s) {
    out += isUnreserved(c)
      ? String.fromCharCode(c)
      : "%" + c.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function split(buf, sep) {
  const parts = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === sep) {
      parts.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

export function canonicalPath(raw) {
  if (raw === "") return "/";
  return split(Buffer.from(raw, "utf8"), 0x2f).map((seg) => encode(decode(seg, false))).join("/");
}

export function canonicalQuery(raw) {
  const pairs = [];
  for (const part of split(Buffer.from(raw, "utf8"), 0x26)) {
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const k = eq < 0 ? part : part.subarray(0, eq);
    const v = eq < 0 ? Buffer.alloc(0) : part.subarray(eq + 1);
    pairs.push([encode(decode(k, true)), encode(decode(v, true))]);
  }
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return pairs.map(([k, v]) => k + "=" + v).join("&");
}

export function canonical(keyId, timestamp, nonce, method, target, digest) {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? "" : target.slice(q + 1);
  const lines = [ALGORITHM, keyId, timestamp, nonce, method];
  lines.push(canonicalPath(path), canonicalQuery(query), digest);
  return lines.join("\n");
}

const mac = (key, msg) => createHmac("sha256", key).update(msg, "utf8").digest();
const sha256Hex = (body) => createHash("sha256").update(body).digest("hex");

// signRequest returns the five headers that sign a request. target is the
// path and query as sent ("/api/chat?x=1"); body and key are Buffers.
export function signRequest(method, target, body, keyId, key, timestamp, nonce) {
  if (key.length < MIN_KEY_BYTES) throw new Error(`key shorter than ${MIN_KEY_BYTES} bytes`);
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  nonce = nonce || randomBytes(16).toString("hex");
  const digest = sha256Hex(body);
  const sig = mac(key, canonical(keyId, ts, nonce, method, target, digest)).toString("hex");
  return {
    [H_KEY_ID]: keyId,
    [H_TIMESTAMP]: ts,
    [H_NONCE]: nonce,
    [H_DIGEST]: digest,
    [H_SIGNATURE]: sig,
  };
}

// verifyRequest throws a VerifyError unless the request is correctly signed.
// headers is an object (any case), keys a Map from key id to key Buffer,
// options.seen a NonceCache kept for the life of the process (leaving it out
// skips the replay check, for tests only).
export function verifyRequest(method, target, headers, body, keys, options = {}) {
  const { now = Date.now() / 1000, window = DEFAULT_WINDOW, seen } = options;
  const h = {};
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = String(v);
  const names = [H_KEY_ID, H_TIMESTAMP, H_NONCE, H_DIGEST, H_SIGNATURE];
  const [keyId, ts, nonce, digest, sig] = names.map((n) => h[n.toLowerCase()] ?? "");
  if (!keyId || !ts || !nonce || !digest || !sig) throw new VerifyError("missing");
  if (
    !/^[0-9a-fA-F]{64}$/.test(sig) ||
    !/^[0-9]{1,12}$/.test(ts) ||
    !/^[A-Za-z0-9_-]{16,128}$/.test(nonce) ||
    !/^[0-9a-f]{64}$/.test(digest)
  ) {
    throw new VerifyError("malformed");
  }
  if (!keys.has(keyId)) throw new VerifyError("unknown_key");
  if (Math.abs(now - Number(ts)) > window) throw new VerifyError("expired");
  const want = mac(keys.get(keyId), canonical(keyId, ts, nonce, method, target, digest));
  if (!timingSafeEqual(Buffer.from(sig, "hex"), want)) throw new VerifyError("bad_signature");
  if (sha256Hex(body) !== digest) throw new VerifyError("body_digest");
  if (seen) {
    const age = now - Number(ts);
    if (!seen.claim(keyId + ":" + nonce, window - age + 1, now)) {
      throw new VerifyError("replayed");
    }
  }
}

// The worked example of docs/scaling.md.
export const EXAMPLE = {
  keyId: "gw-2026-01",
  key: Buffer.from("bulwark-example-key-do-not-use!!"),
  timestamp: 1767225600,
  nonce: "00112233445566778899aabbccddeeff",
  method: "POST",
  target: "/api/v1/scripts/run?lang=python&b=caf%c3%a9&a=x+y&a=1",
  body: Buffer.from('{"code":"print(1)"}'),
  signature: "dae2f0729549103c86508c09620e1699fc20ef3e20fcdc610805f78092080f71",
};

function selftest() {
  const e = EXAMPLE;
  const h = signRequest(e.method, e.target, e.body, e.keyId, e.key, e.timestamp, e.nonce);
  if (h[H_SIGNATURE] !== e.signature) throw new Error("signature " + h[H_SIGNATURE]);
  const keys = new Map([[e.keyId, e.key]]);
  verifyRequest(e.method, e.target, h, e.body, keys, { now: e.timestamp, seen: new NonceCache() });
  try {
    verifyRequest(e.method, e.target, h, Buffer.from("tampered"), keys, { now: e.timestamp });
  } catch (err) {
    if (err.reason === "body_digest") return;
    throw err;
  }
  throw new Error("tampered body accepted");
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(argv) {
  const [cmd, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      "key-id": { type: "string" },
      key: { type: "string", multiple: true },
      timestamp: { type: "string" },
      nonce: { type: "string" },
      now: { type: "string" },
      window: { type: "string" },
    },
  });
  if (cmd === "selftest") {
    selftest();
    console.log("ok");
    return 0;
  }
  if (cmd !== "sign" && cmd !== "verify") {
    console.error("usage: sign.mjs sign|verify|selftest [flags] < request.json");
    return 2;
  }
  const keys = new Map(
    (values.key ?? []).map((v) => {
      const eq = v.indexOf("=");
      return [v.slice(0, eq), Buffer.from(v.slice(eq + 1), "hex")];
    }),
  );
  let status = 0;
  const seen = new NonceCache();
  for (const line of (await readStdin()).split("\n")) {
    if (line.trim() === "") continue;
    const req = JSON.parse(line);
    const body = Buffer.from(req.body ?? "", "base64");
    if (cmd === "sign") {
      const key = Buffer.from(values.key?.[0] ?? "", "hex");
      const ts = values.timestamp === undefined ? undefined : Number(values.timestamp);
      const h = signRequest(req.method, req.target, body, values["key-id"], key, ts, values.nonce);
      req.headers = { ...(req.headers ?? {}), ...h };
      console.log(JSON.stringify(req));
      continue;
    }
    try {
      verifyRequest(req.method, req.target, req.headers ?? {}, body, keys, {
        now: values.now === undefined ? undefined : Number(values.now),
        window: values.window === undefined ? DEFAULT_WINDOW : Number(values.window),
        seen,
      });
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      console.log(JSON.stringify({ ok: false, reason: err.reason }));
      status = 1;
      continue;
    }
    console.log(JSON.stringify({ ok: true }));
  }
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
