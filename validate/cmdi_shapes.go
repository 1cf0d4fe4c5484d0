package validate

import "strings"

// dotCommands are the dot-commands of the sqlite3 shell; .shell and .system
// run a program, the others read or write the database and files.
var dotCommands = []string{"shell", "system", "databases", "tables", "schema", "dump",
	"read", "import", "output", "once", "load", "open", "backup", "restore", "excel"}

// dotCommandAt returns the sqlite3 dot-command (or a prefix of one, which
// the shell accepts) that starts at s[i] after spaces and a written-out \n,
// or "". Quotes and backslashes inside its name are skipped (.\'shell).
func dotCommandAt(s string, i int) string {
	i = skipSpace(s, i)
	if strings.HasPrefix(s[i:], `\n`) {
		i += 2
	}
	if i >= len(s) || s[i] != '.' {
		return ""
	}
	var buf [16]byte
	n := 0
	for j := i + 1; j < len(s) && !isSpace(s[j]); j++ {
		switch {
		case isAlpha(s[j]) && n < len(buf):
			buf[n], n = s[j], n+1
		case strings.IndexByte(`'"\`, s[j]) < 0:
			return ""
		}
	}
	if n < 2 {
		return ""
	}
	for _, c := range dotCommands {
		if len(c) >= n && c[:n] == string(buf[:n]) {
			return "." + c
		}
	}
	return ""
}

// separatorShape reads the separator s[i:j] in the middle of prose for
// shapes that chain a command even there: a ; that opens a word (" ;top")
// and a variable set and then expanded by cmd.exe (set x=1& echo %x%). It
// returns the command and whether the shape was found.
func separatorShape(s string, i, j int) (string, bool) {
	switch s[i] {
	case ';':
		if i > 0 && s[i-1] == ' ' && j == i+1 && j < len(s) && isAlpha(s[j]) {
			cmd := anyCommandAt(s, j)
			return cmd, cmd != ""
		}
	case '&', '|':
		if assignedBefore(s, i) && windowsVariable(s, j) {
			cmd := anyCommandAt(s, j)
			return cmd, cmd != ""
		}
	}
	return "", false
}

// assignedBefore reports whether the separator at s[i] is glued to an
// assignment (x=1&): a variable set for the command after it.
func assignedBefore(s string, i int) bool {
	for k := i - 1; k >= 0 && i-k <= 32 && !isSpace(s[k]); k-- {
		if s[k] == '=' {
			return k < i-1
		}
	}
	return false
}

// windowsVariable reports whether a %name% expansion follows s[i] within
// the same command (before the next separator or line, 64 bytes at most).
func windowsVariable(s string, i int) bool {
	open := -1
	for k := i; k < len(s) && k-i < 64 && strings.IndexByte(";|&\n", s[k]) < 0; k++ {
		switch {
		case s[k] == '%' && open >= 0 && k > open+1:
			return true
		case s[k] == '%':
			open = k
		case !isWordByte(s[k]):
			open = -1
		}
	}
	return false
}

// systemFiles are files a command injection typically reads first.
var systemFiles = []string{"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/hosts",
	"/etc/sudoers", "/proc/self/", "win.ini", "boot.ini", "/.ssh/", ".bash_history"}

// chainBytes are the separators that chain a command to a value.
var chainBytes = triggersOf(";|&")

// terminatedCommand scores a value whose last line is a command with an
// argument ended by a ; or | (so whatever the value is spliced before runs
// after it: +dir+c:\+|), and a value that starts with a command reading a
// system file glued to a separator (cat /etc/passwd;...).
func terminatedCommand(s string) (float64, string) {
	n := len(s)
	for n > 0 && (s[n-1] == ' ' || s[n-1] == '+') {
		n--
	}
	t := s[:n]
	if n > 1 && (t[n-1] == ';' || t[n-1] == '|') && strings.IndexByte(`;|&\`, t[n-2]) < 0 {
		// Only the last line counts, so look back at most 81 bytes.
		tail := t[max(0, n-81):]
		line := tail[strings.LastIndexByte(tail, '\n')+1:]
		if (len(line) < len(tail) || len(tail) == n) && argumentedCommand(line[:len(line)-1]) {
			return 0.8, "command line ended by separator " + t[n-1:]
		}
	}
	sep := indexTrigger(s[:min(len(s), 80)], chainBytes)
	if sep <= 0 || s[sep-1] == ' ' || s[sep-1] == '+' || !argumentedCommand(s[:sep]) {
		return 0, ""
	}
	for _, f := range systemFiles {
		if strings.Contains(s[:sep], f) {
			return 0.8, "command on a system file then separator " + s[sep:sep+1]
		}
	}
	return 0, ""
}

// argumentedCommand reports whether s starts with a command followed by a
// flag, a path, a variable or a Windows drive (ls -la, dir c:\).
func argumentedCommand(s string) bool {
	if commandAt(s, 0) == "" {
		return false
	}
	i := 0
	for i < len(s) && i < 8 && skippable(s[i]) {
		i++
	}
	for i < len(s) && !isSpace(s[i]) && s[i] != '+' {
		i++ // the command name
	}
	for i < len(s) && (isSpace(s[i]) || s[i] == '+') {
		i++
	}
	if i+1 >= len(s) {
		return false
	}
	c, d := s[i], s[i+1]
	return c == '-' && isAlpha(d) || c == '/' || c == '~' || c == '$' ||
		c == '.' && d == '/' || isAlpha(c) && d == ':' && i+2 < len(s) &&
		(s[i+2] == '\\' || s[i+2] == '/')
}

// variableSplice reports a value that assigns a variable and then splices
// it into a word (v='u';cu$v...): a command name put together at run time.
// TODO: only the assignment that starts the value is tracked; a chain of
// them (a=c;b=u;...) would need a small table of names.
func variableSplice(s string) (float64, string) {
	i := skipSpace(s, 0)
	name := wordAt(s, i)
	e := i + len(name)
	if name == "" || e >= len(s) || s[e] != '=' {
		return 0, ""
	}
	sep := strings.IndexAny(s[e:min(len(s), e+40)], ";&\n")
	if sep < 0 {
		return 0, ""
	}
	for k := e + sep; k < len(s); k++ {
		d := strings.IndexByte(s[k:], '$')
		if d < 0 {
			break
		}
		k += d
		if splicedAt(s, k, name) {
			return 0.85, "variable spliced into a command name"
		}
	}
	return 0, ""
}

// splicedAt reports whether s[k] starts a reference to variable name that
// is glued to the letters of a word: cu$v, ${w}ami.
func splicedAt(s string, k int, name string) bool {
	ref, braced := strings.CutPrefix(s[k+1:], "{")
	after, ok := strings.CutPrefix(ref, name)
	if !ok {
		return false
	}
	if braced {
		if after, ok = strings.CutPrefix(after, "}"); !ok {
			return false
		}
		if after != "" && isAlpha(after[0]) {
			return true
		}
	} else if after != "" && isWordByte(after[0]) {
		return false // a longer name: $value is not $v
	}
	return lettersBefore(s, k)
}

// lettersBefore reports whether letters of a word end at s[k], not the
// name of another variable ($x$x).
func lettersBefore(s string, k int) bool {
	j := k
	for j > 0 && isAlpha(s[j-1]) {
		j--
	}
	return j < k && (j == 0 || s[j-1] != '$')
}

// braceObfuscation reports a brace expansion whose first item hides a
// command name behind shell noise and whose next item is a flag or a path
// ({n$u\c$u,-nlvp,777}).
func braceObfuscation(s string) (float64, string) {
	for k := strings.IndexByte(s, '{'); k >= 0; {
		noisy, j := false, k+1
		for ; j < len(s) && j-k <= 24 && strings.IndexByte(",{} \"':", s[j]) < 0; j++ {
			noisy = noisy || s[j] == '$' || s[j] == '\\'
		}
		if noisy && j+2 < len(s) && s[j] == ',' &&
			(s[j+1] == '-' || s[j+1] == '/') && isAlpha(s[j+2]) {
			return 0.85, "brace expansion of an obfuscated command"
		}
		n := strings.IndexByte(s[k+1:], '{')
		if n < 0 {
			break
		}
		k += 1 + n
	}
	return 0, ""
}

// commandOptions are options of git, ssh, tar and rsync whose value is a
// command the program runs: a value that starts one of them smuggles a
// command into the argument list, with no separator at all.
var commandOptions = []string{"--upload-pack=", "--receive-pack=", "-oproxycommand=",
	"-o proxycommand=", "--checkpoint-action=exec=", "--rsh=", "--use-compress-program="}

// optionLastBytes are the bytes [commandOptions] end in before their =.
const optionLastBytes = "kdchm"

// optionCommand scores an option of [commandOptions] given a command
// (--upload-pack='touch /tmp/x'), in the lower-cased text.
func optionCommand(s string) (float64, string) {
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(s[i:], '=')
		if k < 0 {
			break
		}
		i += k
		if i == 0 || strings.IndexByte(optionLastBytes, s[i-1]) < 0 {
			continue // not the end of an option's name: x = 1, class="row"
		}
		for _, o := range commandOptions {
			// Every option ends with the = found; --checkpoint-action=exec=
			// is found at its second.
			if strings.HasSuffix(s[:i+1], o) && commandAt(s, i+1) != "" {
				return 0.8, "option " + strings.TrimSuffix(o, "=") + " runs a command"
			}
		}
	}
	return 0, ""
}
