package ratelimit

import "strings"

// forwardedFor returns the for= value of each element of the Forwarded
// field lines (RFC 7239), left to right, unquoted. An element without a
// usable for= value yields "", which ends a walk there. A line that does
// not parse yields a single "" for the rest of it.
func forwardedFor(lines []string) []string {
	var hops []string
	for _, line := range lines {
		hops = appendForwarded(hops, line)
	}
	return hops
}

// appendForwarded parses one field line: elements separated by commas,
// each a list of name=value pairs separated by semicolons, where a value is
// a token or a quoted string.
func appendForwarded(hops []string, s string) []string {
	var forVal string
	for {
		s = trimOWS(s)
		name, value, rest, ok := forwardedPair(s)
		if !ok {
			return append(hops, "")
		}
		if strings.EqualFold(name, "for") {
			forVal = value
		}
		s = trimOWS(rest)
		switch {
		case s == "":
			return append(hops, forVal)
		case s[0] == ';':
			s = s[1:]
		case s[0] == ',':
			hops = append(hops, forVal)
			forVal = ""
			s = s[1:]
		default:
			return append(hops, "")
		}
	}
}

// forwardedPair reads name=value from the start of s and returns what
// follows it.
func forwardedPair(s string) (name, value, rest string, ok bool) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || !isToken(s[:eq]) {
		return "", "", "", false
	}
	name, s = s[:eq], s[eq+1:]
	if strings.HasPrefix(s, `"`) {
		value, rest, ok = quotedString(s)
		return name, value, rest, ok
	}
	end := 0
	for end < len(s) && isTokenByte(s[end]) {
		end++
	}
	if end == 0 {
		return "", "", "", false
	}
	return name, s[:end], s[end:], true
}

// quotedString reads a quoted string from the start of s, which begins
// with a double quote, and returns its unescaped content.
func quotedString(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

func trimOWS(s string) string { return strings.Trim(s, " \t") }

func isToken(s string) bool {
	for i := range len(s) {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// isTokenByte reports whether c may appear in an RFC 9110 token.
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
