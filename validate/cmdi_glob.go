package validate

import "strings"

// globDirs are the top folders of the system paths wildcards stand for in
// an obfuscated command (/bin/c?t, /etc/p?sswd).
var globDirs = wordSet(`bin sbin usr etc dev tmp proc var lib`)

// globbedPath reports whether p is an absolute path whose letters are
// partly ? wildcards, so the shell fills in a name the text never spells:
// at least two components, one with a ?, under a folder of globDirs or a
// top folder that is wildcards only (/???/c?t).
func globbedPath(p string) bool {
	if len(p) < 4 || p[0] != '/' || strings.IndexByte(p, '?') < 0 {
		return false
	}
	for i := 1; i < len(p); i++ {
		c := p[i]
		if !isWordByte(c) && strings.IndexByte("?*./-", c) < 0 {
			return false
		}
	}
	top, rest, ok := strings.Cut(p[1:], "/")
	if !ok || rest == "" {
		return false
	}
	return globDirs[top] || strings.Trim(top, "?") == "" && top != ""
}

// wildcardPaths scores wildcard paths (see [globbedPath]) in s: one whose
// top folder is wildcards only (/???/) or that is the command a value
// starts with (/bin/c?t), or one under /etc when the value starts with a
// command (cat /etc/p?sswd). It reads each word of s once.
func wildcardPaths(s, lead string) (float64, string) {
	if strings.IndexByte(s, '?') < 0 {
		return 0, ""
	}
	if lead != "" && globbedPath(lead) {
		return 0.85, "wildcard path as a command " + lead
	}
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(s[i:], '/')
		if k < 0 {
			break
		}
		i += k
		if i > 0 && !isSpace(s[i-1]) && strings.IndexByte(";|&`'\"(", s[i-1]) < 0 {
			continue
		}
		j := i
		for j < len(s) && !isSpace(s[j]) && strings.IndexByte(";|&`'\")", s[j]) < 0 {
			j++
		}
		if p := s[i:j]; globbedPath(p) && (p[1] == '?' || lead != "" && strings.HasPrefix(p, "/etc/")) {
			return 0.85, "wildcard path " + p
		}
		i = j
	}
	return 0, ""
}

// ansiCCommand scores an ANSI-C quoted string ($'\x63\x61\x74') that
// spells a command, with escapes or with them already decoded by
// [prepare] ($'cat'): bash runs the name it decodes to, which the text
// may never show. Only strings of at most 64 bytes are decoded; a colour
// code or a line ending ($'\r') decodes to no command.
func ansiCCommand(s string) (float64, string) {
	var buf [32]byte
	for k := strings.Index(s, "$'"); k >= 0; {
		if n := decodeANSIC(s[k+2:min(len(s), k+66)], &buf); n > 0 && shellCommands[string(buf[:n])] {
			return 0.85, "ANSI-C quoted command " + string(buf[:n])
		}
		n := strings.Index(s[k+2:], "$'")
		if n < 0 {
			break
		}
		k += 2 + n
	}
	return 0, ""
}

// decodeANSIC decodes into buf the word the ANSI-C quoted text q (after
// its $') spells up to its closing quote, lower-cased, and returns its
// length; 0 when q does not close, holds an escape other than \xHH or
// an octal \NNN, or decodes to more than letters, digits and -.
func decodeANSIC(q string, buf *[32]byte) int {
	n := 0
	for i := 0; i < len(q) && n < len(buf); {
		c := q[i]
		switch {
		case c == '\'':
			return n
		case c == '\\':
			v, w := escapeValue(q[i+1:])
			if w == 0 {
				return 0
			}
			c = byte(v)
			i += 1 + w
		default:
			i++
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !isWordByte(c) && c != '-' {
			return 0
		}
		buf[n], n = c, n+1
	}
	return 0
}

// escapeValue reads a \xHH or octal \NNN escape after its backslash and
// returns its value and length, or a length of 0.
func escapeValue(e string) (int, int) {
	if len(e) >= 3 && e[0] == 'x' {
		if v, ok := hexVal(e[1:3]); ok {
			return v, 3
		}
		return 0, 0
	}
	v, w := 0, 0
	for w < len(e) && w < 3 && '0' <= e[w] && e[w] <= '7' {
		v, w = v*8+int(e[w]-'0'), w+1
	}
	return v, w
}
