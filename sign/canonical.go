package sign

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Algorithm is the first line of the string to sign; it names the scheme
// and its version.
const Algorithm = "BULWARK-HMAC-SHA256"

// Canonical returns the string whose HMAC-SHA256 is the signature: eight
// lines joined by "\n", without a final newline:
//
//	BULWARK-HMAC-SHA256
//	key id
//	timestamp (decimal Unix seconds)
//	nonce
//	method, as sent
//	canonical path ([CanonicalPath])
//	canonical query ([CanonicalQuery], possibly empty)
//	body digest (lowercase hex SHA-256)
//
// rawPath and rawQuery are the path and query of the request target as
// sent on the wire, still percent-encoded.
//
// TODO: no other header is signed, Content-Type included, because the
// scheme had to stay simple enough to write in any language; if a backend
// comes to act on a header, add a second version of the string (a new
// Algorithm line) that lists signed headers, rather than change this one.
func Canonical(keyID, timestamp, nonce, method, rawPath, rawQuery, bodySHA256 string) string {
	return strings.Join([]string{
		Algorithm, keyID, timestamp, nonce, method,
		CanonicalPath(rawPath), CanonicalQuery(rawQuery), bodySHA256,
	}, "\n")
}

// CanonicalPath normalises the percent-encoding of a request path: each
// segment between slashes is percent-decoded and encoded again. Decoding
// turns each "%" followed by two hex digits into the byte they name and
// keeps every other byte, a lone "%" included; encoding keeps the RFC 3986
// unreserved bytes (A-Z a-z 0-9 - . _ ~) and writes every other byte as "%"
// and two uppercase hex digits. An empty path becomes "/". An encoded
// slash stays encoded, so "/a%2Fb" and "/a/b" differ.
func CanonicalPath(raw string) string {
	if raw == "" {
		return "/"
	}
	segs := strings.Split(raw, "/")
	for i, s := range segs {
		segs[i] = encode(decode(s, false))
	}
	return strings.Join(segs, "/")
}

// CanonicalQuery normalises a raw query string: it is split on "&", empty
// parts are dropped, each part is split at its first "=" into name and
// value (a missing "=" gives an empty value), both are decoded as in
// [CanonicalPath] but with "+" meaning space, and encoded again; the pairs
// are sorted by encoded name, then by encoded value, and joined as
// name=value with "&".
func CanonicalQuery(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{encode(decode(k, true)), encode(decode(v, true))})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// decode replaces each "%" followed by two hex digits with the byte they
// name and, when plus is set, each "+" with a space. Any other byte,
// including a "%" without two hex digits after it, is kept as it is.
func decode(s string, plus bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '+' && plus:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// encode keeps the RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~) and
// writes every other byte as "%" and two uppercase hex digits.
func encode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := range len(s) {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := range len(s) {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// BodySHA256 returns the lowercase hex SHA-256 of body.
func BodySHA256(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
