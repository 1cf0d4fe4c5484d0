package validate

import "strings"

// headerNames are response and request headers that splitting payloads
// inject.
var headerNames = []string{
	"set-cookie", "location", "content-type", "content-length", "refresh",
	"x-xss-protection", "access-control-", "host", "cookie", "transfer-encoding",
	"content-security-policy", "x-forwarded", "remote-addr", "x-", "http/1.",
}

// detectCRLF scores CRLF (header) injection: a CR or LF, especially an
// encoded one, followed by a header line or a second CRLF that starts a
// body. Plain newlines in chat text are normal and score low.
func detectCRLF(in *input, c Context) (float64, string) {
	s := in.low
	if k := strings.Index(s, "\u560a"); k >= 0 || strings.Contains(s, "\u560d") {
		// 嘊 and 嘍 (U+560A, U+560D) become LF and CR where a server
		// keeps only the low byte of each character in a header.
		k = max(k, strings.Index(s, "\u560d"))
		j := k + len("\u560a")
		for strings.HasPrefix(s[j:], "\u560a") || strings.HasPrefix(s[j:], "\u560d") {
			j += len("\u560a")
		}
		if headerLineAt(s, j) != "" {
			return 0.9, "U+560A/U+560D (low bytes LF/CR) then a header"
		}
	}
	for _, sep := range unicodeBreaks {
		if strings.IndexByte(s, sep[0]) < 0 {
			continue // its lead byte is rare: most texts end here
		}
		for i, n := 0, 0; n < 8; n++ {
			k := strings.Index(s[i:], sep)
			if k < 0 {
				break
			}
			i += k + len(sep)
			if header := headerLineAt(s, skipSpace(s, i)); header != "" {
				return 0.85, "Unicode line break then header " + header
			}
		}
	}
	if !hasLineBreak(s) {
		return 0, ""
	}
	rawNL := hasLineBreak(in.raw)
	var h hit
	for i := 0; i < len(s); i++ {
		if s[i] != '\r' && s[i] != '\n' {
			continue
		}
		j := i
		for j < len(s) && (s[j] == '\r' || s[j] == '\n' || s[j] == ' ' || s[j] == '\t') {
			j++
		}
		header := headerLineAt(s, j)
		prefixValue := valueLike(s[:i])
		switch {
		case !rawNL && header != "":
			h.see(0.95, "encoded CR/LF then header "+header)
		case !rawNL:
			h.see(0.8, "encoded CR/LF")
		case header != "" && prefixValue:
			h.see(0.85, "CR/LF after a value then header "+header)
		case prefixValue && (strings.Contains(in.raw, "\r") ||
			i+1 < len(s) && s[i] == '\n' && s[i+1] == '\r'):
			h.see(0.8, "bare CR in a value")
		case header != "":
			h.see(0.4, "line break then header-like line "+header)
		case prefixValue:
			h.see(0.4, "line break in a value")
		}
		i = j - 1
	}
	return h.score, h.detail
}

// unicodeBreaks are the line breaks of Unicode (LINE SEPARATOR, PARAGRAPH
// SEPARATOR, NEXT LINE) that some servers and proxies fold to CR or LF
// when they write a header.
var unicodeBreaks = []string{"\u2028", "\u2029", "\u0085"}

// hasLineBreak reports whether s holds a CR or an LF. Two vectorised byte
// searches beat strings.ContainsAny, which tests the text byte by byte.
func hasLineBreak(s string) bool {
	return strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0
}

// headerLineAt returns the header name when s[i:] starts with "Name:" for a
// known header, or "" otherwise.
func headerLineAt(s string, i int) string {
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-') {
		j++
	}
	k := skipSpace(s, j)
	if j == i || k >= len(s) || s[k] != ':' {
		if strings.HasPrefix(s[i:], "http/1.") {
			return "status line"
		}
		return ""
	}
	name := s[i:j]
	for _, h := range headerNames {
		if strings.HasPrefix(name, h) {
			return name
		}
	}
	return ""
}
