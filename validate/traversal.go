package validate

import "strings"

// sensitiveFiles are targets that traversal and file-inclusion payloads aim
// at; reaching one with a climb or a truncation is a strong sign.
var sensitiveFiles = []string{
	"etc/passwd", "etc/shadow", "etc/hosts", "etc/issue", "etc/group", "boot.ini",
	"win.ini", "system.ini", "windows/system32", "winnt/", "proc/self", "proc/version",
	".htaccess", ".htpasswd", "web.config", "wp-config", ".env", "id_rsa",
	"etc/", "var/log", "var/www", "/root/", "inetpub", "system32", "c:/",
	"php.ini", "httpd.conf", "apache2", "nginx", ".bash_history", ".ssh/", "/dev/",
}

// detectTraversal scores path traversal: ../ sequences (however encoded:
// %2e%2e%2f, overlong UTF-8, ..\ and lookalike slashes all decode to the same)
// that climb out of a base directory, NUL truncation of a file name, and
// file:// or php:// wrappers.
func detectTraversal(in *input, c Context) (float64, string) {
	if !in.nul && !strings.Contains(in.low, "..") && !strings.Contains(in.low, "./") &&
		!strings.Contains(in.low, ".\\") && !strings.Contains(in.low, "://") &&
		!strings.Contains(in.low, "0x2e") {
		return 0, "" // no climb, wrapper or truncation to look at
	}
	s := in.low
	if strings.Contains(s, "0x") {
		s = pathForm(s) // 0x2e0x2e0x2f spells ../
	}
	var h hit
	climbs, first := 0, -1
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != '.' {
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
		}
		i = j - 1
	}
	whole := !strings.ContainsAny(strings.TrimSpace(s), " \n\t")
	// A target counts in the path a climb leads to, or in a value that is
	// one token; in running text it means nothing.
	region := ""
	switch {
	case climbs > 0:
		region = pathForm(s[first:min(len(s), first+512)])
	case whole || in.nul:
		region = pathForm(s[:min(len(s), 4096)])
	}
	target := ""
	for _, f := range sensitiveFiles {
		if region != "" && strings.Contains(region, f) {
			target = f
			break
		}
	}
	value := first >= 0 && !strings.ContainsAny(s[:first], " \n\t")
	switch {
	case climbs >= 1 && target != "" && value:
		h.see(0.95, "../ climbs to "+target)
	case climbs >= 2 && value:
		h.see(0.9, "repeated ../ climbs out of the base path")
	case climbs >= 1 && whole:
		h.see(0.75, "a value that starts by climbing ../")
	case climbs >= 3:
		h.see(0.8, "repeated ../ climbs")
	case climbs >= 1 && target != "":
		h.see(0.6, "../ towards "+target)
	case climbs >= 1:
		h.see(0.5, "../ in a path")
	}
	if climbs >= 1 && in.layers > 0 && !strings.Contains(in.raw, "../") &&
		!strings.Contains(in.raw, "..\\") {
		h.see(0.9, "encoded ../ sequence")
	}
	if n := junkClimbs(s); n >= 2 && whole {
		h.see(0.85, "repeated .. with an odd separator")
	}
	if whole && climbs == 0 && strings.Contains(s, "..") && target == "" {
		for _, f := range []string{"passwd", "shadow", "boot.ini", "win.ini", "hosts", "issue"} {
			if strings.Contains(s, f) {
				h.see(0.85, ".. and "+f+" in one value")
				break
			}
		}
	}
	if whole && climbs == 0 && target != "" && strings.Contains(s, "..") {
		h.see(0.85, ".. and "+target+" in one value")
	}
	if whole && strings.Count(s, "./")+strings.Count(s, ".\\") >= 4 {
		h.see(0.75, "dot-segment padding")
	}
	if in.nul && (target != "" || strings.ContainsAny(s, "./")) {
		h.see(0.85, "NUL byte truncating a file name")
	}
	for _, w := range []string{"file://", "php://", "zip://", "phar://", "expect://", "data://",
		"glob://", "compress.zlib://"} {
		if k := strings.Index(in.low, w); k >= 0 && valueLike(in.low[:k]) {
			h.see(0.85, "stream wrapper "+w)
		}
	}
	if target != "" && whole && (strings.HasPrefix(s, "/") || strings.HasPrefix(s, "c:")) {
		h.see(0.4, "absolute path to "+target)
	}
	return h.score, h.detail
}

// pathForm rewrites s for path analysis: backslashes and hexadecimal
// spellings of dot and slash (0x2e, 0x2f, 0x5c) become '.' and '/', and
// runs of slashes and /./ segments collapse.
func pathForm(s string) string {
	if !strings.ContainsAny(s, "\\") && !strings.Contains(s, "//") && !strings.Contains(s, "0x") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
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
		if c == '/' && len(b) > 0 && b[len(b)-1] == '/' {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

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
