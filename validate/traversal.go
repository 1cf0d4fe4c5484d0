package validate

import (
	"math/bits"
	"strings"
)

// sensitiveFiles are targets that traversal and file-inclusion payloads aim
// at; reaching one with a climb or a truncation is a strong sign.
var sensitiveFiles = []string{
	"etc/passwd", "etc/shadow", "etc/hosts", "etc/issue", "etc/group", "boot.ini",
	"win.ini", "system.ini", "windows/system32", "winnt/", "proc/self", "proc/version",
	".htaccess", ".htpasswd", "web.config", "wp-config", ".env", "id_rsa",
	"etc/", "var/log", "var/www", "/root/", "inetpub", "system32", "c:/",
	"php.ini", "httpd.conf", "apache2", "nginx", ".bash_history", ".ssh/", "/dev/",
	".aws/", "etc/sudoers",
}

// detectTraversal scores path traversal: ../ sequences (however encoded:
// %2e%2e%2f, overlong UTF-8, ..\ and lookalike slashes all decode to the same)
// that climb out of a base directory, NUL truncation of a file name, and
// file:// or php:// wrappers.
func detectTraversal(in *input, c Context) (float64, string) {
	if !in.nul && !strings.Contains(in.low, "..") && !strings.Contains(in.low, "./") &&
		!strings.Contains(in.low, ".\\") && !strings.Contains(in.low, "://") &&
		!strings.Contains(in.low, "0x2e") && !strings.Contains(in.low, `\\`) &&
		!(mayBeAbsolute(in.low) && secretIn(in.low) != "") {
		return 0, "" // no climb, wrapper, share, absolute path or truncation to look at
	}
	s := in.low
	if strings.Contains(s, "0x") {
		s = pathForm(s) // 0x2e0x2e0x2f spells ../
	}
	p := pathFacts{s: s, nul: in.nul, whole: !strings.ContainsAny(strings.TrimSpace(s), " \n\t")}
	p.climbs, p.first, p.run = countClimbs(s)
	p.target = p.findTarget()
	h := p.score()
	h.see(absoluteSecret(&p))
	h.see(uncPath(in.low))
	h.see(fileURLSecret(in.low))
	if p.climbs >= 1 && in.layers > 0 && !strings.Contains(in.raw, "../") &&
		!strings.Contains(in.raw, "..\\") {
		h.see(0.9, "encoded ../ sequence")
	}
	if strings.Contains(in.low, "://") { // which every wrapper below ends in
		if k := indexBefore(in.low, "php", "://"); k >= 0 && strings.HasPrefix(in.low[k:], "php://filter/") &&
			strings.Contains(in.low[k:], "resource=") {
			// The whole file-reading chain, which a question about the
			// wrapper seldom spells out: php://filter/read=…/resource=x.
			h.see(0.85, "php://filter chain reading a resource")
		}
		for _, w := range []string{"file://", "php://", "zip://", "phar://", "expect://",
			"data://", "glob://", "compress.zlib://"} {
			// A file:// URL at the start of a sentence is a link being
			// asked about unless it is the whole value (or, above, it
			// reaches a secret).
			if k := strings.Index(in.low, w); k >= 0 && valueLike(in.low[:k]) &&
				(w != "file://" || p.whole) {
				h.see(0.85, "stream wrapper "+w)
			}
		}
	}
	return h.score, h.detail
}

// mayBeAbsolute reports whether s, trimmed, starts like an absolute path:
// /, ~/ or a drive letter.
func mayBeAbsolute(s string) bool {
	s = strings.TrimLeft(s, " \n\t")
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~/") || driveLetter(s)
}

// pathFacts is what the traversal detector knows about one text.
type pathFacts struct {
	s      string
	nul    bool     // a NUL byte was dropped
	whole  bool     // the text is one token, without inner spaces
	climbs int      // ../ sequences
	first  int      // index of the first, or -1
	run    climbRun // the token with the most ../
	target string   // a sensitive file the text reaches, or ""
}

// climbRun is the token (a run without white space) of a text that holds
// the most ../ sequences.
type climbRun struct {
	climbs int // its ../ sequences
	start  int // the index of its first, or -1
}

// countClimbs counts ../ and ..\ sequences (also .../ and ..;/) that start
// a path segment, and returns the index of the first and the token that
// holds the most of them.
func countClimbs(s string) (climbs, first int, run climbRun) {
	first, run.start = -1, -1
	cur, last := climbRun{start: -1}, -1 // the token being read; end of its last climb
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' {
			k := strings.IndexByte(s[i:], '.')
			if k < 0 || i+k+2 >= len(s) {
				break
			}
			i += k
		}
		if s[i+1] != '.' {
			continue
		}
		j := i + 2
		for j < len(s) && (s[j] == '.' || s[j] == ';') {
			j++ // ..., ..;/
		}
		if j < len(s) && (s[j] == '/' || s[j] == '\\') && (i == 0 || !isWordByte(s[i-1])) {
			climbs++
			if first < 0 {
				first = i
			}
			if last < 0 || hasBlank(s[last:i]) {
				cur = climbRun{start: i}
			}
			cur.climbs++
			if cur.climbs > run.climbs {
				run = cur
			}
			last = j
		}
		i = j - 1
	}
	return climbs, first, run
}

// hasBlank reports whether s holds a space, tab or line feed, with
// vectorised searches that stop at the first (prose has one at once).
func hasBlank(s string) bool {
	return strings.IndexByte(s, ' ') >= 0 || strings.IndexByte(s, '\n') >= 0 ||
		strings.IndexByte(s, '\t') >= 0
}

// findTarget returns the sensitive file in the path a climb leads to, or
// in a value that is one token; in running text a file name means nothing.
func (p *pathFacts) findTarget() string {
	region := ""
	switch {
	case p.climbs > 0 && (p.whole || p.run.climbs < 3):
		region = p.s[p.first:min(len(p.s), p.first+512)]
	case p.climbs > 0:
		// Running text with a path of many climbs: its target is in that
		// path, not in another one the sentence names.
		end := p.run.start + strings.IndexAny(p.s[p.run.start:], " \n\t")
		if end < p.run.start {
			end = len(p.s)
		}
		region = p.s[p.run.start:min(end, p.run.start+512)]
	case p.whole || p.nul:
		region = p.s[:min(len(p.s), 4096)]
	default:
		return ""
	}
	var buf [512]byte // enough for a climb's region, which is most
	if len(region) <= len(buf) {
		return firstTarget(appendPathForm(buf[:0], region))
	}
	return firstTarget(pathForm(region))
}

// firstTarget returns the earliest entry of sensitiveFiles, in list order,
// that occurs in s, or "". It visits s once instead of searching it for
// every file name.
func firstTarget[T string | []byte](s T) string {
	var found uint64 // bit k: sensitiveFiles[k] occurs
	for i := 0; i+2 < len(s); i++ {
		m := targetBytes[0][s[i]] & targetBytes[1][s[i+1]]
		if m == 0 {
			continue // the common case, cheaper to leave early
		}
		m &= targetBytes[2][s[i+2]]
		for ; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if f := sensitiveFiles[k]; len(s)-i >= len(f) && string(s[i:i+len(f)]) == f {
				found |= 1 << k
			}
		}
	}
	if found == 0 {
		return ""
	}
	return sensitiveFiles[bits.TrailingZeros64(found)]
}

// targetBytes[j][c] has bit k set when byte j of sensitiveFiles[k] is c, so
// two or three loads rule out most places before any name is compared.
var targetBytes = func() (t [3][256]uint64) {
	for k, f := range sensitiveFiles {
		if k >= 64 || len(f) < len(t) {
			panic("validate: sensitiveFiles needs at most 64 names of 3 bytes or more")
		}
		for j := range t {
			t[j][f[j]] |= 1 << k
		}
	}
	return t
}()

// score turns the facts into a score and explanation.
func (p *pathFacts) score() hit {
	var h hit
	s, target := p.s, p.target
	value := p.first >= 0 && !strings.ContainsAny(s[:p.first], " \n\t")
	switch {
	case p.climbs >= 1 && target != "" && value:
		h.see(0.95, "../ climbs to "+target)
	case p.climbs >= 2 && value && !codeCallPrefix(s[:p.first]):
		h.see(0.9, "repeated ../ climbs out of the base path")
	case p.climbs >= 1 && p.whole:
		h.see(0.75, "a value that starts by climbing ../")
	case p.run.climbs >= 3 && target != "":
		h.see(0.85, "repeated ../ climbs to "+target)
	case p.run.climbs >= 3:
		// In running text, climbs with no sensitive target are how
		// imports and build configs reach a sibling directory.
		h.see(0.55, "repeated ../ climbs in a relative path")
	case p.climbs >= 1 && target != "":
		h.see(0.6, "../ towards "+target)
	case p.climbs >= 1:
		h.see(0.5, "../ in a path")
	}
	if p.nul && (target != "" || strings.ContainsAny(s, "./")) {
		h.see(0.85, "NUL byte truncating a file name")
	}
	if !p.whole {
		return h
	}
	if n := junkClimbs(s); n >= 2 {
		h.see(0.85, "repeated .. with an odd separator")
	}
	if p.climbs == 0 && strings.Contains(s, "..") {
		h.see(p.dotsAndFile())
	}
	if strings.Count(s, "./")+strings.Count(s, ".\\") >= 4 {
		h.see(0.75, "dot-segment padding")
	}
	if target != "" && (strings.HasPrefix(s, "/") || strings.HasPrefix(s, "c:")) {
		h.see(0.4, "absolute path to "+target)
	}
	return h
}

// dotsAndFile scores a one-token value holding ".." and a sensitive file
// name, joined by separators the decoder did not understand
// (..%c0%9vboot.ini).
func (p *pathFacts) dotsAndFile() (float64, string) {
	if p.target != "" {
		return 0.85, ".. and " + p.target + " in one value"
	}
	for _, f := range []string{"passwd", "shadow", "boot.ini", "win.ini", "hosts", "issue"} {
		if strings.Contains(p.s, f) {
			return 0.85, ".. and " + f + " in one value"
		}
	}
	return 0, ""
}

// pathForm rewrites s for path analysis: backslashes and hexadecimal
// spellings of dot and slash (0x2e, 0x2f, 0x5c) become '.' and '/', and
// runs of slashes and /./ segments collapse.
func pathForm(s string) string {
	if !strings.ContainsAny(s, "\\") && !strings.Contains(s, "//") && !strings.Contains(s, "0x") {
		return s
	}
	return string(appendPathForm(make([]byte, 0, len(s)), s))
}

// appendPathForm appends the [pathForm] of s to dst.
func appendPathForm(dst []byte, s string) []byte {
	slash := false // the last byte appended is a slash
	for i := 0; i < len(s); i++ {
		if j := runEnd(s, i, &pathPlain); j > i { // copy what stands for itself
			dst = append(dst, s[i:j]...)
			slash = false
			if i = j; i == len(s) {
				break
			}
		}
		c := s[i]
		if c == '0' && i+3 < len(s) && s[i+1] == 'x' {
			switch s[i+2 : i+4] {
			case "2e":
				c = '.'
				i += 3
			case "2f", "5c":
				c = '/'
				i += 3
			}
		}
		if c == '\\' {
			c = '/'
		}
		if c == '/' && slash {
			continue
		}
		dst = append(dst, c)
		slash = c == '/'
	}
	return dst
}

// pathPlain flags the bytes pathForm copies as they are: all but '0', '/'
// and '\\'.
var pathPlain = byteFlags(func(c byte) bool { return c != '0' && c != '/' && c != '\\' })

// junkClimbs counts ".." units repeated with the same separator that is
// not a slash (..%c1%pc..%c1%pc, ..%uefc8..), the shape of traversal
// through a decoder quirk.
func junkClimbs(s string) int {
	i := strings.Index(s, "..")
	if i < 0 {
		return 0
	}
	best := 0
	for i >= 0 && i+2 < len(s) {
		j := strings.Index(s[i+2:min(len(s), i+16)], "..")
		if j <= 0 {
			next := strings.Index(s[i+2:], "..")
			if next < 0 {
				break
			}
			i += 2 + next
			continue
		}
		sep := s[i+2 : i+2+j]
		if strings.ContainsAny(sep, " \n\t") {
			i += 2 + j
			continue
		}
		n := 1
		k := i + 2 + j
		for strings.HasPrefix(s[k:], ".."+sep) {
			n++
			k += 2 + len(sep)
		}
		best = max(best, n)
		i = k
		if next := strings.Index(s[k:], ".."); next >= 0 {
			i = k + next
		} else {
			break
		}
	}
	return best
}
