package validate

import "strings"

// What a file name field is sent instead of a file name, without any
// ../: a share on another host, a sensitive absolute path, a file:// URL
// in running text.

// secretFiles are the sensitive targets that hold secrets or process
// state outright; an absolute path to one where a file name is expected is
// an attack even without a climb (/proc/self/environ).
var secretFiles = []string{
	"etc/passwd", "etc/shadow", "etc/sudoers", "proc/self", "boot.ini", "win.ini", "system32/config",
	".ssh/", "id_rsa", ".bash_history", ".aws/", ".htpasswd", "web.config", ".env",
}

// secretIn returns the first of secretFiles in s, or "".
func secretIn(s string) string {
	for _, f := range secretFiles {
		if strings.Contains(s, f) {
			return f
		}
	}
	return ""
}

// absoluteSecret scores a one-token value that is an absolute path (/...,
// ~/..., c:\...) to one of secretFiles.
func absoluteSecret(p *pathFacts) (float64, string) {
	s := strings.TrimSpace(p.s)
	if !p.whole || !mayBeAbsolute(s) {
		return 0, ""
	}
	if f := secretIn(pathForm(s[:min(len(s), 512)])); f != "" {
		return 0.85, "absolute path to " + f
	}
	return 0, ""
}

// driveLetter reports whether s starts with a Windows drive: c:\ or c:/.
func driveLetter(s string) bool {
	return len(s) >= 3 && isAlpha(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/')
}

// uncPath scores a UNC path (\\host\share\file), which makes Windows fetch
// the file from another host, and sends it the user's credentials: as a
// value, or anywhere when it names an administrative share (c$, admin$) or
// a secret file. Only the first few places where a token starts with \\
// are looked at.
func uncPath(s string) (float64, string) {
	for i, n := 0, 0; n < 8; n++ {
		k := strings.Index(s[i:], `\\`)
		if k < 0 {
			return 0, ""
		}
		i += k
		if i == 0 || strings.IndexByte(" \t\n\"'(=`", s[i-1]) >= 0 {
			if score, why := uncAt(s, i); score > 0 {
				return score, why
			}
		}
		i += 2
	}
	return 0, ""
}

// uncAt scores the UNC path that may start at s[i:] == `\\`.
func uncAt(s string, i int) (float64, string) {
	host := i + 2
	j := host
	for j < len(s) && j-host < 256 && (isWordByte(s[j]) || s[j] == '.' || s[j] == '-') {
		j++
	}
	if j == host || j >= len(s) || s[j] != '\\' {
		return 0, ""
	}
	var buf [512]byte
	rest := string(appendPathForm(buf[:0], s[j:min(len(s), j+len(buf))]))
	switch f := secretIn(rest); {
	case strings.Contains(rest, "/c$/") || strings.Contains(rest, "/admin$/"):
		return 0.9, "UNC path to an administrative share"
	case f != "":
		return 0.9, "UNC path to " + f
	case valueLike(s[:i]):
		return 0.85, "UNC path to another host"
	}
	return 0.5, "UNC path in text"
}

// fileURLSecret scores a file:// URL in running text that points at one of
// secretFiles (load it from file:///root/.bash_history).
func fileURLSecret(s string) (float64, string) {
	k := indexBefore(s, "file", "://")
	if k < 0 {
		return 0, ""
	}
	rest := s[k+len("file://"):]
	end := strings.IndexAny(rest, " \n\t\"'<>")
	if end < 0 {
		end = len(rest)
	}
	if f := secretIn(rest[:min(end, 512)]); f != "" {
		return 0.85, "file:// URL to " + f
	}
	return 0, ""
}

// codeCallPrefix reports whether the text before a climb opens a string
// argument of a call, include('../../ or require("../../, which is code
// quoted in a question rather than a value that starts climbing.
func codeCallPrefix(prefix string) bool {
	p := strings.TrimRight(prefix, " ")
	if p == "" || (p[len(p)-1] != '\'' && p[len(p)-1] != '"') {
		return false
	}
	p = strings.TrimRight(p[:len(p)-1], " ")
	if p == "" || p[len(p)-1] != '(' {
		return false
	}
	p = strings.TrimRight(p[:len(p)-1], " ")
	return p != "" && isAlpha(p[0]) && allWordish(p)
}

// allWordish reports whether s is made of word bytes, dots and '$' (a
// possibly qualified function name).
func allWordish(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) && s[i] != '.' && s[i] != '$' {
			return false
		}
	}
	return true
}
