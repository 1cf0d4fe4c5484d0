package validate

import "strings"

// sensitiveFiles are targets that traversal and file-inclusion payloads aim
// at; reaching one with a climb or a truncation is a strong sign.
var sensitiveFiles = []string{
	"etc/passwd", "etc/shadow", "etc/hosts", "etc/issue", "etc/group", "boot.ini",
	"win.ini", "system.ini", "windows/system32", "winnt/", "proc/self", "proc/version",
	".htaccess", ".htpasswd", "web.config", "wp-config", ".env", "id_rsa",
	"etc/", "var/log", "var/www", "/root/", "inetpub", "system32", "c:/", "c:\\",
	"php.ini", "httpd.conf", "apache2", "nginx", ".bash_history", ".ssh/", "/dev/",
}

// detectTraversal scores path traversal: ../ sequences (however encoded:
// %2e%2e%2f, overlong UTF-8, ..\ and lookalike slashes all decode to the same)
// that climb out of a base directory, NUL truncation of a file name, and
// file:// or php:// wrappers.
func detectTraversal(in *input, c Context) (float64, string) {
	s := in.low
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
		if j < len(s) && (s[j] == '/' || s[j] == '\\') && (i == 0 || !isWordByte(s[i-1]) || s[i-1] == '.') {
			climbs++
			if first < 0 {
				first = i
			}
		}
		i = j
	}
	target := ""
	for _, f := range sensitiveFiles {
		if strings.Contains(s, f) {
			target = f
			break
		}
	}
	value := first >= 0 && valueLike(s[:first])
	switch {
	case climbs >= 1 && target != "" && value:
		h.see(0.95, "../ climbs to "+target)
	case climbs >= 2 && value:
		h.see(0.9, "repeated ../ climbs out of the base path")
	case climbs >= 3:
		h.see(0.8, "repeated ../ climbs")
	case climbs >= 1 && target != "":
		h.see(0.6, "../ towards "+target)
	case climbs >= 1:
		h.see(0.5, "../ in a path")
	}
	if climbs >= 1 && in.layers > 0 && !strings.Contains(in.raw, "../") && !strings.Contains(in.raw, "..\\") {
		h.see(0.9, "encoded ../ sequence")
	}
	if in.nul && (target != "" || strings.ContainsAny(s, "./\\")) {
		h.see(0.85, "NUL byte truncating a file name")
	}
	for _, w := range []string{"file://", "php://", "zip://", "phar://", "expect://", "data://",
		"glob://", "compress.zlib://"} {
		if k := strings.Index(s, w); k >= 0 && valueLike(s[:k]) {
			h.see(0.85, "stream wrapper "+w)
		}
	}
	if target != "" && value && h.score < 0.7 && (strings.HasPrefix(s, "/") || strings.HasPrefix(s, "c:")) {
		h.see(0.4, "absolute path to "+target)
	}
	return h.score, h.detail
}
