package intent

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// View is one reading of a message: the normalised text itself, or a segment
// decoded from base64, hex or rot13 and then normalised.
type View struct {
	Source string // "text", "base64", "hex" or "rot13"
	Text   string
}

// minEncoded is the shortest encoded segment worth decoding.
const minEncoded = 16

// maxViews bounds the decoded views of one message; segments beyond it stay
// part of the plain text view and are still scored there.
const maxViews = 16

// Views returns the normalised text followed by the normalised decodings of
// the base64 and hex segments embedded in it and, when rot13 turns a line
// into more plausible English, that line's rot13 decoding.
func Views(s string) []View {
	vs := []View{{Source: "text", Text: Normalize(s)}}
	for _, seg := range encodedSegments(s) {
		if len(vs) > maxViews {
			break
		}
		if d, ok := decodeBase64(seg); ok {
			vs = append(vs, View{Source: "base64", Text: Normalize(d)})
		} else if d, ok := decodeHex(seg); ok {
			vs = append(vs, View{Source: "hex", Text: Normalize(d)})
		}
	}
	for line := range strings.Lines(s) {
		if len(vs) > maxViews {
			break
		}
		if r, ok := rot13Better(line); ok {
			vs = append(vs, View{Source: "rot13", Text: Normalize(r)})
		}
	}
	return vs
}

// encodedSegments returns maximal runs of base64 or hex alphabet characters
// (hex may be written as "69 67", "\x69\x67" or "0x69") of at least
// minEncoded bytes.
func encodedSegments(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isEncodedByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minEncoded {
			out = append(out, s[start:i])
		}
		start = -1
	}
	return out
}

func isEncodedByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == '\\'
}

// decodeBase64 decodes standard or URL-safe base64, padded or not, and keeps
// the result only when it reads as text.
func decodeBase64(seg string) (string, bool) {
	if strings.Contains(seg, `\`) || !hasMixedCase(seg) {
		return "", false
	}
	seg = strings.TrimRight(seg, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(seg); err == nil && looksLikeText(b) {
			return string(b), true
		}
		// A segment may end in a partial quantum; decode what is whole.
		if n := len(seg) / 4 * 4; n >= minEncoded && n < len(seg) {
			if b, err := enc.DecodeString(seg[:n]); err == nil && looksLikeText(b) {
				return string(b), true
			}
		}
	}
	return "", false
}

// decodeHex decodes hex digits, optionally written with \x or 0x prefixes.
func decodeHex(seg string) (string, bool) {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		hexDigit := c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		if !hexDigit && c != 'x' && c != '\\' {
			return "", false
		}
	}
	h := hexPrefixes.Replace(seg)
	if len(h)%2 == 1 || len(h) < minEncoded {
		return "", false
	}
	b, err := hex.DecodeString(h)
	if err != nil || !looksLikeText(b) {
		return "", false
	}
	return string(b), true
}

var hexPrefixes = strings.NewReplacer(`\x`, "", "0x", "")

// hasMixedCase reports whether a segment has both letter cases, which plain
// words, identifiers and hex do not usually have.
func hasMixedCase(s string) bool {
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		lower = lower || s[i] >= 'a' && s[i] <= 'z'
		upper = upper || s[i] >= 'A' && s[i] <= 'Z'
	}
	return lower && upper
}

// looksLikeText reports whether decoded bytes are valid UTF-8 made mostly of
// letters and spaces.
func looksLikeText(b []byte) bool {
	if len(b) < 6 || !utf8.Valid(b) {
		return false
	}
	good, spaces := 0, 0
	for _, r := range string(b) {
		switch {
		case r == ' ':
			spaces++
			good++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= 0x80:
			good++
		case r >= '!' && r <= '@', r == '\n':
			good++
		}
	}
	n := utf8.RuneCount(b)
	return good*10 >= n*9 && (spaces > 0 || n < 24)
}

// rot13Better applies rot13 to a line and reports whether the result holds
// clearly more common English words than the line itself.
func rot13Better(line string) (string, bool) {
	if len(line) < minEncoded {
		return "", false
	}
	if commonWords(line, 2) >= 2 {
		return "", false // already reads as English
	}
	r := rot13(line)
	return r, commonWords(r, 3) >= 3
}

func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

// commonWords counts frequent English words, the signal that a line is
// English rather than rot13 of English. It stops counting at limit.
func commonWords(s string, limit int) int {
	var buf [16]byte
	n, k := 0, 0
	for i := 0; i <= len(s); i++ {
		c := byte(0)
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			if k > 0 && k <= len(buf) && isCommonWord(string(buf[:k])) {
				if n++; n == limit {
					return n
				}
			}
			k = 0
			continue
		}
		if k < len(buf) {
			buf[k] = c
		}
		k++
	}
	return n
}

// isCommonWord reports frequent English words and the words of typical
// attacks.
func isCommonWord(w string) bool {
	switch w {
	case "the", "and", "you", "your", "to", "of", "is", "are", "all", "in", "a", "that", "it",
		"for", "with", "this", "me", "what", "ignore", "previous", "instructions", "system",
		"prompt", "tell", "now", "reveal", "say":
		return true
	}
	return false
}
