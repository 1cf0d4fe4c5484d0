#!/usr/bin/env python3
"""Sign and verify bulwark service-to-service requests, python3 stdlib only.

The scheme is described byte by byte in docs/scaling.md. Use the functions
from your own code (sign_request, verify_request) or the command line, which
reads requests as JSON Lines, one object per line:

    {"method": "POST", "target": "/path?query", "headers": {...},
     "body": "<base64>"}

    python3 sign.py sign --key-id gw-2026-01 --key HEX < requests.jsonl
    python3 sign.py verify --key gw-2026-01=HEX [--key ID=HEX] < signed.jsonl
    python3 sign.py selftest

`sign` prints each request with the five X-Bulwark headers added; `verify`
prints {"ok": true} or {"ok": false, "reason": "..."} for each and exits 1
when any was refused. Keys are given in hex.
"""

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import sys
import time

ALGORITHM = "BULWARK-HMAC-SHA256"
H_KEY_ID = "X-Bulwark-Key-Id"
H_TIMESTAMP = "X-Bulwark-Timestamp"
H_NONCE = "X-Bulwark-Nonce"
H_DIGEST = "X-Bulwark-Content-SHA256"
H_SIGNATURE = "X-Bulwark-Signature"
DEFAULT_WINDOW = 300
MIN_KEY_BYTES = 16

_UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789abcdefABCDEF")


class VerifyError(Exception):
    """A refused request; reason is one of the words of sign.Reason in Go."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class NonceCache:
    """Remembers nonces until their timestamp leaves the window, as Go's
    MemoryNonces does; for one process only (use Redis SET NX PX across
    several)."""

    def __init__(self, max_entries=1 << 20):
        self.max_entries = max_entries
        self._expires = {}

    def claim(self, nonce_id, ttl, now):
        """Record nonce_id for ttl seconds; False when it was already there."""
        exp = self._expires.get(nonce_id)
        if exp is not None and now < exp:
            return False
        if len(self._expires) >= self.max_entries:
            self._expires = {k: e for k, e in self._expires.items() if now < e}
            if len(self._expires) >= self.max_entries:
                raise VerifyError("nonce_store")
        self._expires[nonce_id] = now + ttl
        return True


def _decode(s, plus):
    """Percent-decode bytes leniently: a '%' without two hex digits stays."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25 and i + 2 < len(s) and s[i + 1] in _HEX and s[i + 2] in _HEX:
            out.append(int(s[i + 1:i + 3], 16))
            i += 3
            continue
        out.append(0x20 if plus and c == 0x2B else c)
        i += 1
    return bytes(out)


def _encode(s):
    """Keep RFC 3986 unreserved bytes, write the rest as %XX (uppercase)."""
    return "".join(chr(c) if c in _UNRESERVED else "%%%02X" % c for c in s)


def canonical_path(raw):
    if raw == "":
        return "/"
    return "/".join(_encode(_decode(seg, False)) for seg in raw.encode().split(b"/"))


def canonical_query(raw):
    pairs = []
    for part in raw.encode().split(b"&"):
        if not part:
            continue
        k, _, v = part.partition(b"=")
        pairs.append((_encode(_decode(k, True)), _encode(_decode(v, True))))
    pairs.sort()
    return "&".join(k + "=" + v for k, v in pairs)


def canonical(key_id, timestamp, nonce, method, target, digest):
    path, _, query = target.partition("?")
    return "\n".join([ALGORITHM, key_id, timestamp, nonce, method,
                      canonical_path(path), canonical_query(query), digest])


def _mac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign_request(method, target, body, key_id, key, timestamp=None, nonce=None):
    """Return the five headers that sign a request.

    target is the path and query as sent ("/api/chat?x=1"), body bytes,
    key bytes.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError("key shorter than %d bytes" % MIN_KEY_BYTES)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    digest = hashlib.sha256(body).hexdigest()
    sig = _mac(key, canonical(key_id, ts, nonce, method, target, digest)).hex()
    return {H_KEY_ID: key_id, H_TIMESTAMP: ts, H_NONCE: nonce,
            H_DIGEST: digest, H_SIGNATURE: sig}


def _valid(s, allowed, lo, hi):
    return lo <= len(s) <= hi and all(c in allowed for c in s)


def verify_request(method, target, headers, body, keys, now=None,
                   window=DEFAULT_WINDOW, seen=None):
    """Raise VerifyError unless the request is correctly signed.

    headers is a dict (any case), keys maps key id to key bytes, seen a
    NonceCache kept for the life of the process (None skips the replay
    check, for tests only).
    """
    h = {k.lower(): v for k, v in headers.items()}
    names = [H_KEY_ID, H_TIMESTAMP, H_NONCE, H_DIGEST, H_SIGNATURE]
    key_id, ts, nonce, digest, sig = (h.get(n.lower(), "") for n in names)
    if not all((key_id, ts, nonce, digest, sig)):
        raise VerifyError("missing")
    lower_hex = "0123456789abcdef"
    nonce_bytes = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    try:
        got = bytes.fromhex(sig) if _valid(sig, lower_hex + "ABCDEF", 64, 64) else None
    except ValueError:
        got = None
    if (got is None or not _valid(ts, "0123456789", 1, 12)
            or not _valid(nonce, nonce_bytes, 16, 128)
            or not _valid(digest, lower_hex, 64, 64)):
        raise VerifyError("malformed")
    if key_id not in keys:
        raise VerifyError("unknown_key")
    now = time.time() if now is None else now
    if abs(now - int(ts)) > window:
        raise VerifyError("expired")
    want = _mac(keys[key_id], canonical(key_id, ts, nonce, method, target, digest))
    if not hmac.compare_digest(got, want):
        raise VerifyError("bad_signature")
    if hashlib.sha256(body).hexdigest() != digest:
        raise VerifyError("body_digest")
    if seen is not None:
        age = now - int(ts)
        if not seen.claim(key_id + ":" + nonce, window - age + 1, now):
            raise VerifyError("replayed")


# The worked example of docs/scaling.md.
EXAMPLE = {
    "key_id": "gw-2026-01",
    "key": b"bulwark-example-key-do-not-use!!",
    "timestamp": 1767225600,
    "nonce": "00112233445566778899aabbccddeeff",
    "method": "POST",
    "target": "/api/v1/scripts/run?lang=python&b=caf%c3%a9&a=x+y&a=1",
    "body": b'{"code":"print(1)"}',
    "signature": "dae2f0729549103c86508c09620e1699fc20ef3e20fcdc610805f78092080f71",
}


def selftest():
    e = EXAMPLE
    h = sign_request(e["method"], e["target"], e["body"], e["key_id"], e["key"],
                     e["timestamp"], e["nonce"])
    assert h[H_SIGNATURE] == e["signature"], h
    verify_request(e["method"], e["target"], h, e["body"], {e["key_id"]: e["key"]},
                   now=e["timestamp"], seen=NonceCache())
    try:
        verify_request(e["method"], e["target"], h, b"tampered", {e["key_id"]: e["key"]},
                       now=e["timestamp"])
    except VerifyError as err:
        assert err.reason == "body_digest", err.reason
    else:
        raise AssertionError("tampered body accepted")


def _parse_keys(values):
    keys = {}
    for v in values:
        key_id, sep, hexkey = v.partition("=")
        if not sep:
            raise SystemExit("error: --key wants ID=HEX")
        keys[key_id] = bytes.fromhex(hexkey)
    return keys


def main(argv):
    p = argparse.ArgumentParser(description="Sign or verify a bulwark request.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign")
    s.add_argument("--key-id", required=True)
    s.add_argument("--key", required=True, help="key in hex")
    s.add_argument("--timestamp", type=int)
    s.add_argument("--nonce")
    v = sub.add_parser("verify")
    v.add_argument("--key", action="append", required=True, help="ID=HEX, repeatable")
    v.add_argument("--now", type=int)
    v.add_argument("--window", type=int, default=DEFAULT_WINDOW)
    sub.add_parser("selftest")
    args = p.parse_args(argv)

    if args.cmd == "selftest":
        selftest()
        print("ok")
        return 0
    keys = _parse_keys(args.key) if args.cmd == "verify" else None
    status, seen = 0, NonceCache()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        body = base64.b64decode(req.get("body", ""))
        if args.cmd == "sign":
            headers = dict(req.get("headers", {}))
            headers.update(sign_request(req["method"], req["target"], body, args.key_id,
                                        bytes.fromhex(args.key), args.timestamp, args.nonce))
            req["headers"] = headers
            print(json.dumps(req), flush=True)
            continue
        try:
            verify_request(req["method"], req["target"], req.get("headers", {}), body,
                           keys, args.now, args.window, seen)
        except VerifyError as err:
            print(json.dumps({"ok": False, "reason": err.reason}), flush=True)
            status = 1
            continue
        print(json.dumps({"ok": True}), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
