package validate

import "strings"

// shellCommands are programs an injected command typically starts with
// (Unix and Windows). A separator followed by one of these is the shape of
// command injection; the words alone are not.
var shellCommands = wordSet(`id whoami uname ls cat pwd ifconfig ipconfig netstat ping
	wget curl nc ncat netcat bash sh zsh ksh csh tcsh dash python python2 python3 perl ruby php
	node lua echo rm cp mv chmod chown chgrp touch mkdir rmdir sleep nslookup dig host telnet
	ssh scp ftp tftp sudo su kill ps top htop who w last lastlog lastlogin env printenv head
	tail more less grep egrep fgrep find awk gawk sed xargs base64 base32 xxd od hexdump tar
	gzip gunzip zip unzip bzip2 dir type net reg cmd powershell pwsh certutil bitsadmin
	systeminfo tasklist taskkill wmic hostname vi vim ex nano ed crontab nohup time strace
	ltrace trap perf ssh-copy-id lwp-download lwp-request gcc cc make java javac mail sendmail
	useradd usermod passwd shutdown reboot mount
	dd mkfifo mknod socat openssl tee sort uniq diff file stat which whereis locate ln
	readlink expr printf eval exec source alias history ulimit lsof pkill killall service
	systemctl docker kubectl ansible ansible-vault ansible-config ansible-playbook
	ansible-galaxy ansible-inventory cscli cpulimit rmt rmt-tar tmux screen sftp rsync git apt
	apt-get yum dnf pip npm gem busybox timeout nice watch script start call copy del erase
	move ren rename net1 runas schtasks sc at cscript wscript mshta rundll32 regsvr32
	msiexec icacls attrib findstr ver vol echo. set cd chdir sysctl iptables route arp
	traceroute tracert nmap tcpdump ssh-keygen crontab uptime df du free lscpu lsblk dmesg
	journalctl getent groups finger pinky users logname tac nl fold fmt rev strings
	xterm xdg-open open osascript php-cgi jrunscript jjs irb tclsh wish expect scp rcp
	rlogin rsh rexec curl.exe wget.exe bitsadmin.exe powershell.exe cmd.exe whoami.exe
	systeminfo.exe sqlmap msfvenom msfconsole htpasswd pkexec doas chroot unshare nsenter
	setfacl getfacl chattr lsattr shred wipe truncate fallocate split csplit join paste cut
	tr wc md5sum sha1sum sha256sum cksum sum zcat zless zmore bzcat xzcat 7z 7za rar unrar
	date uconv iex iwr iwmi regedit bcdboot aptitude visudo flock pipx chef chef-client
	chef-shell chef-vault chef-run chef-apply knife bridge ansible-doc ansible-pull
	ansible-console nmcli ip ss lsmod modprobe insmod setsid disown bg fg jobs
	invoke-expression invoke-webrequest start-process new-object curl wmic.exe
	net.exe ftp.exe tftp.exe reg.exe vssadmin bcdedit netsh sc.exe forfiles pcalua
	certreq esentutl expand extrac32 findstr.exe hh ieexec makecab replace xcopy robocopy`)

// wordSet returns the set of space-separated words in list.
func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// detectCmdI scores OS command injection: a shell separator or command
// substitution followed by a command, reverse-shell plumbing, and shell
// obfuscation tricks ($IFS, quotes or backslashes inside command names).
func detectCmdI(in *input, c Context) (float64, string) {
	var v shellView
	v.read(in.low)
	s, lead := v.s, commandAt(v.s, 0)
	var h hit
	if v.seen.hasAny(separatorChars) { // most prose has none
		h = separatorScan(in, &v, lead != "")
	}
	h.see(shellConstruct(&v))
	h.see(cmdMarkers(&v))
	h.see(shellExpansion(in.low))
	h.see(mailCommand(in.low))
	h.see(terminatedCommand(s))
	h.see(variableSplice(in.low))
	h.see(braceObfuscation(in.low))
	h.see(wildcardPaths(s, lead))
	h.see(leadingNewline(s))
	h.see(optionCommand(s))
	if v.seen.has('$') {
		h.see(ansiCCommand(in.low))
	}
	if v.obfuscated {
		// The noise must sit inside the command name itself (c'a't), not
		// later in the text (which team's ...).
		if lead != "" && !plainCommand(strings.TrimLeft(in.low, " "), lead) {
			h.see(0.85, "obfuscated command "+lead)
		}
	}
	if c == Strict && h.score < 0.5 {
		if lead != "" && (flaggedWordAt(s, 0) || strings.Contains(s, " ")) {
			h.see(0.5, "a value that is a command line: "+lead)
		}
	}
	if h.score < 0.7 && len(s) < 80 && !strings.ContainsAny(s, "\n") {
		// A whole short value that is a command line: a wrapper and the
		// command it runs (nohup id, time who), an alias definition, a
		// shell named by a variable given a script (${SHELL} -c).
		if aliasDefinition(s) {
			h.see(0.75, "shell alias definition")
		}
		if lead == "$variable" && strings.Contains(s, " -c ") {
			h.see(0.8, "shell from a variable runs -c")
		}
		w := wordAt(s, skipSpace(s, 0))
		if wrapperCmd[w] {
			rest := skipSpace(s, len(w)+skipSpace(s, 0))
			if commandAt(s, rest) != "" || strings.HasPrefix(s[rest:], "-") {
				h.see(0.75, "command wrapper "+w)
			}
		}
	}
	return h.score, h.detail
}

// proseCommands are command names that are also everyday words; they count
// as commands only when shell-looking arguments follow.
var proseCommands = wordSet(`time who w last more less find sort type start call copy move set cd
	open file tr join split cut paste free users groups script make watch nice wish expect at
	ed ex exec read source test true false yes host date head tail kill top env id dir net
	ver vol sum rev fold fmt nl du df finger mail stat locate apt screen git sleep echo which
	look man column comm`)

// shellArgFollows reports whether what follows a command name at s[j] reads
// as shell: the end, a flag, a path, a variable, a redirection or a
// separator, or a number (sleep 5).
func shellArgFollows(s string, j int) bool {
	k := j
	for k < len(s) && (isSpace(s[k]) || s[k] == '+') {
		k++ // a + is a space in a form-encoded value
	}
	if k >= len(s) {
		return true
	}
	if strings.IndexByte("-/.$><|;&`'\"\\~%*{", s[k]) >= 0 || isDigit(s[k]) {
		return true
	}
	// A Windows drive path: dir c:\, type d:/x.
	return k+2 < len(s) && isAlpha(s[k]) && s[k+1] == ':' && (s[k+2] == '\\' || s[k+2] == '/')
}

// flaggedWordAt reports whether s[j:] is a word followed by a flag or a
// path (foo -x, foo /r): the shape of a command line even when the program
// is not in [shellCommands].
func flaggedWordAt(s string, j int) bool {
	j = skipSpace(s, j)
	w := wordAt(s, j)
	if len(w) < 2 {
		return false
	}
	k := j + len(w)
	for k < len(s) && (isWordByte(s[k]) || s[k] == '-') {
		k++
	}
	if k >= len(s) || s[k] != ' ' {
		return false
	}
	k = skipSpace(s, k)
	return k+1 < len(s) && (s[k] == '-' && isAlpha(s[k+1]) || s[k] == '/' && isAlpha(s[k+1]))
}

// separatorChars are the bytes separatorScan looks at.
const separatorChars = ";|&\n\r`$<>\\"

// hasNewline reports whether s holds a line feed or a carriage return.
func hasNewline(s string) bool {
	return strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0
}

// separatorScan walks v, the shell form of in, for separators, backticks
// and substitutions followed by a command. lead says the text starts with
// a command, so a separator right after it joins a second one.
func separatorScan(in *input, v *shellView, lead bool) hit {
	var h hit
	s := v.s
	encodedNL := v.seen.hasAny("\n\r") && !hasNewline(in.raw)
	start := skipSpace(s, 0)
	leadCmd := ""
	if lead {
		leadCmd = commandAt(s, start)
	}
	code := newShownCode(s)
	seps := v.cursor(separatorList)
	for i := seps.next(0); i < len(s); i = seps.next(i + 1) {
		ch := s[i]
		// Code shown in a sentence caps what is found in it.
		limit := 1.0
		if code.at(i) {
			limit = shownCodeScore
		}
		switch ch {
		case '\\':
			// A written-out \n used as a separator: ;id\n or \nid|.
			if i+1 < len(s) && s[i+1] == 'n' && valueLike(s[:i]) {
				if cmd := commandAt(s, i+2); cmd != "" && h.beats(min(0.85, limit)) {
					h.see(min(0.85, limit), "escaped newline then command "+cmd)
				}
			}
		case ';', '|', '&', '\n', '\r':
			if (ch == '\n' || ch == '\r') && !encodedNL {
				continue
			}
			j := i + 1
			for j < len(s) && (s[j] == ch || s[j] == '&' || s[j] == '|') {
				j++
			}
			// A separator glued to a leading command, or one that
			// starts the value, chains commands: there everyday words
			// (cd, top) count as commands too.
			chain := lead && i > 0 && s[i-1] != ' ' || i == start
			value := valueLike(s[:i]) || tokenValue(s[:i])
			k := j
			if k+1 < len(s) && s[k] == '.' && s[k+1] == ' ' {
				k += 2 // ". file" sources a script
			}
			cmd := commandAt(s, k)
			if cmd == "" {
				cmd = substitutedCommand(s, k+btoi(k < len(s) && s[k] == ' ')) // ;$(echo ...)
			}
			if cmd == "" && chain {
				cmd = anyCommandAt(s, k)
			}
			if cmd == "" && value && flaggedWordAt(s, j) {
				cmd = wordAt(s, skipSpace(s, j))
			}
			if cmd == "" && leadCmd != "" && i == start+len(leadCmd) && !proseCommands[leadCmd] {
				// whoami;... : a command name and its separator are
				// the whole start of the value.
				cmd = leadCmd
			}
			if cmd == "" && (value || chain) {
				cmd = dotCommandAt(s, j)
			}
			if cmd == "" {
				cmd = reconThenPunctuation(s, k) // & whoami, can you check
			}
			shaped, strong := separatorShape(s, i, j)
			if cmd == "" {
				cmd = shaped
			}
			if cmd != "" {
				score := 0.5
				if value || valueStart(s[:i]) || chain {
					score = 0.9
				} else if strong {
					score = 0.8
				}
				if score < sentenceBreakoutScore && sentenceBreakout(s, i, k) {
					score = sentenceBreakoutScore
				}
				score = min(score, limit)
				if h.beats(score) {
					h.see(score, "separator "+string(ch)+" then command "+cmd)
				}
			}
			i = j - 1
		case '`':
			if code.opens(i) {
				continue // the delimiter of a code span, not a substitution
			}
			if i == start && wholeSubstitution(s, i) && h.beats(0.85) {
				h.see(0.85, "value is a backtick substitution")
			}
			if cmd := gluedSubstitution(s, i); cmd != "" && h.beats(min(0.85, limit)) {
				h.see(min(0.85, limit), "backtick substitution glued to a value runs "+cmd)
			}
			if cmd := commandAt(s, i+1); cmd != "" {
				score := 0.55
				if valueLike(s[:i]) || in.layers > 0 {
					score = 0.9
				}
				score = min(score, limit)
				if h.beats(score) {
					h.see(score, "backtick substitution of "+cmd)
				}
			}
		case '$':
			if i == start && wholeCommandSubstitution(s) && h.beats(0.85) {
				h.see(0.85, "value is a command substitution")
			}
			if cmd := gluedSubstitution(s, i); cmd != "" && h.beats(min(0.85, limit)) {
				h.see(min(0.85, limit), "command substitution glued to a value runs "+cmd)
			}
			if i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{') {
				score := 0.55 // $(pwd) in a question about shell
				if valueLike(s[:i]) || in.layers > 0 {
					score = 0.85
				}
				score = min(score, limit)
				if cmd := commandAt(s, i+2); cmd != "" && h.beats(score) {
					h.see(score, "command substitution of "+cmd)
				} else if i+2 < len(s) && (s[i+2] == '(' || s[i+2] == '$') {
					h.see(min(0.75, limit), "arithmetic or nested substitution")
				}
			}
		case '<', '>':
			if i+1 < len(s) && s[i+1] == '(' && commandAt(s, i+2) != "" {
				h.see(min(0.85, limit), "process substitution")
			}
		}
	}
	return h
}

// execSinks are calls of other languages that hand a string to a shell;
// shell_exec( and runtime.exec( end in exec(, os.system( in system(.
// Each ends in one of sinkEnds, bytes rare in prose.
var execSinks = []string{"system(", "exec(", "passthru(", "popen(", "proc_open(", "subprocess."}

// sinkEnds are the last bytes of execSinks.
const sinkEnds = "(."

// cmdMarkers scores constructs that need no separator: JNDI lookups, SSI
// directives, fork bombs, cmd.exe FOR loops and exec sinks of other
// languages given a command. Each search runs only when v holds a byte it
// needs, and the sinks and the FOR loop's /f are looked for only where
// such a byte is.
func cmdMarkers(v *shellView) (float64, string) {
	s, seen := v.s, v.seen
	var h hit
	if seen.has('$') {
		if k := strings.Index(s, "jndi:"); k > 0 && strings.Contains(s[max(0, k-16):k], "${") {
			h.see(0.9, "JNDI lookup ${jndi:")
		}
	}
	if seen.has('#') && v.follows(separatorList, '<', "!--#") {
		for _, m := range []string{"<!--#exec", "<!--#include"} {
			if strings.Contains(s, m) {
				h.see(0.85, "server-side include "+m)
			}
		}
	}
	if seen.has('(') && strings.Contains(s, "()") {
		for _, m := range []string{"(){", "() {"} {
			if k := strings.Index(s, m); k >= 0 && strings.ContainsAny(s[k:], "|&") {
				h.see(0.85, "shell function definition "+m)
			}
		}
		if k := strings.Index(s, "()"); shellshock(s[k+2:]) {
			h.see(0.9, "shell function definition () { :; } (Shellshock)")
		}
	}
	// A FOR loop needs a %variable or a /f option.
	if (seen.has('%') || v.follows(keyList, '/', "f ")) && cmdForLoop(s) {
		h.see(0.8, "cmd.exe FOR loop")
	}
	for _, f := range execSinks {
		k := v.sinkIndex(f)
		if k < 0 {
			continue
		}
		// The sink says a command follows, so everyday words count too:
		// system('echo ...'). Code that builds the command from a
		// literal and a variable is shown, not run.
		score := 0.85
		if concatenatedLiteral(s, k+len(f)) {
			score = shownCodeScore
		}
		if cmd := anyCommandAt(s, k+len(f)); cmd != "" && h.beats(score) {
			h.see(score, f+" of "+cmd)
		}
	}
	return h.score, h.detail
}

// cmdForLoop reports whether s holds a cmd.exe FOR loop: for, maybe
// options (/f "delims="), a %variable, in and a parenthesised set, then do
// (for %i in (a,b) do cmd). A template's {% for x in y %} has no
// %variable after its for.
func cmdForLoop(s string) bool {
	for k := strings.Index(s, "for "); k >= 0; {
		if forLoopAt(s, k+len("for ")) {
			return true
		}
		n := strings.Index(s[k+1:], "for ")
		if n < 0 {
			break
		}
		k += 1 + n
	}
	return false
}

// forLoopAt reports whether a FOR loop's options, %variable, in (set) and
// do follow s[i], within a bounded stretch of text.
func forLoopAt(s string, i int) bool {
	i = forOptionsEnd(s, i)
	if i >= len(s) || s[i] != '%' {
		return false
	}
	j := i + 1
	if j < len(s) && s[j] == '%' {
		j++
	}
	v := j
	for j < len(s) && j-v < 16 && !isSpace(s[j]) {
		j++
	}
	j = skipSpace(s, j)
	if j == v || !strings.HasPrefix(s[j:], "in") {
		return false
	}
	j = skipSpace(s, j+2)
	if j >= len(s) || s[j] != '(' {
		return false
	}
	body := s[j:min(len(s), j+256)]
	return strings.Contains(body, " do ") || strings.Contains(body, ")do")
}

// forOptionsEnd returns the index after the options of a FOR loop that
// start at s[i] (/d, /l, /r path, /f "tokens=1-3", with \" for a quote in
// an escaped value), at most three of them, and the spaces after them.
func forOptionsEnd(s string, i int) int {
	for n := 0; n < 3; n++ {
		i = skipSpace(s, i)
		if i+2 >= len(s) || s[i] != '/' || !isAlpha(s[i+1]) || !isSpace(s[i+2]) {
			return i
		}
		opt := s[i+1]
		i = skipSpace(s, i+2)
		if i < len(s) && s[i] == '\\' {
			i++
		}
		switch {
		case i < len(s) && s[i] == '"':
			end := strings.IndexByte(s[i+1:min(len(s), i+65)], '"')
			if end < 0 {
				return i
			}
			i += end + 2
		case opt == 'r' && i < len(s) && s[i] != '%':
			for i < len(s) && !isSpace(s[i]) {
				i++ // the folder /r walks
			}
		}
	}
	return skipSpace(s, i)
}

// shellConstructs are fragments of reverse shells and shell invocations,
// in the order they are reported.
var shellConstructs = keyedFragments("/dev/tcp/", "/dev/udp/", " -e /bin/", " -e sh",
	" -e bash", "bash -i", "sh -i", "sh -c", "bash -c", "${ifs}", "$ifs", "$cmd", "{cmd}",
	"cmd /c", "cmd.exe /c", "powershell -", "/bin/sh", "/bin/bash", "|sh", "| sh", "|bash", "| bash")

// constructKeys are bytes rare in prose; each of shellConstructs holds one.
const constructKeys = "/-${|"

// constructsByKey lists for each byte of constructKeys the indexes of the
// entries of shellConstructs keyed by it, in order.
var constructsByKey = func() (t [256][]int) {
	for n, f := range shellConstructs {
		t[f.key] = append(t[f.key], n)
	}
	return t
}()

// keyedFragment is a text with its first constructKeys byte and where
// that byte is.
type keyedFragment struct {
	text string
	key  byte
	at   int
}

// keyedFragments keys each of texts by its first byte of constructKeys.
func keyedFragments(texts ...string) []keyedFragment {
	fs := make([]keyedFragment, len(texts))
	for i, t := range texts {
		at := strings.IndexAny(t, constructKeys) // every text holds a key
		fs[i] = keyedFragment{text: t, key: t[at], at: at}
	}
	return fs
}

// occursAt reports whether f.text occurs in s with its key at s[i]. The
// last byte is compared first, which rules out most places cheaply.
func (f keyedFragment) occursAt(s string, i int) bool {
	p := i - f.at
	end := p + len(f.text)
	return p >= 0 && end <= len(s) && s[end-1] == f.text[len(f.text)-1] && s[p:end] == f.text
}

// shellConstruct returns 0.8 and the first of [shellConstructs] found in s,
// or 0 and "". It looks only where a key occurs in v. A pipe into a shell
// that only ends downloads of installers a sentence asks about scores
// shownCodeScore.
func shellConstruct(v *shellView) (float64, string) {
	first := firstConstruct(v)
	if first >= len(shellConstructs) {
		return 0, ""
	}
	if shellConstructs[first].text[0] == '|' {
		// The pipes to a shell are listed last: no other construct is
		// in s.
		switch found, asked := pipesToShell(v.s); {
		case !found:
			return 0, "" // | sha256sum, |shellcheck
		case asked:
			return shownCodeScore, "installer piped to a shell, asked about"
		}
	}
	return 0.8, "shell construct " + strings.TrimSpace(shellConstructs[first].text)
}

// firstConstruct returns the index of the first of [shellConstructs] in
// v.s, or len(shellConstructs). It looks only where a key occurs, unless
// there are too many keys for v to list.
func firstConstruct(v *shellView) int {
	s := v.s
	if !v.listed(keyList) {
		for n, f := range shellConstructs {
			if strings.Contains(s, f.text) {
				return n
			}
		}
		return len(shellConstructs)
	}
	first := len(shellConstructs) // the first entry found so far
	keys := v.cursor(keyList)
	for i := keys.next(0); i < len(s); i = keys.next(i + 1) {
		for _, n := range constructsByKey[s[i]] {
			if n < first && shellConstructs[n].occursAt(s, i) {
				first = n
				break
			}
		}
	}
	return first
}

// follows reports whether text follows a byte c, one of those a list
// takes, in v.s.
func (v *shellView) follows(list int, c byte, text string) bool {
	s := v.s
	if !v.listed(list) {
		return strings.Contains(s, string(c)+text)
	}
	at := v.cursor(list)
	for i := at.next(0); i < len(s); i = at.next(i + 1) {
		if s[i] == c && strings.HasPrefix(s[i+1:], text) {
			return true
		}
	}
	return false
}

// sinkIndex is strings.Index(v.s, sink) for one of execSinks: it looks
// only where a byte of sinkEnds occurs, unless there are too many of them
// for v to list.
func (v *shellView) sinkIndex(sink string) int {
	s, end := v.s, sink[len(sink)-1]
	switch {
	case !v.seen.has(end):
		return -1
	case !v.listed(sinkEndList):
		return strings.Index(s, sink)
	}
	ends := v.cursor(sinkEndList)
	for i := ends.next(0); i < len(s); i = ends.next(i + 1) {
		p := i + 1 - len(sink)
		if s[i] == end && p >= 0 && s[p] == sink[0] && s[p:i+1] == sink {
			return p
		}
	}
	return -1
}

// wrapperCmd are commands that run another command.
var wrapperCmd = map[string]bool{
	"nohup": true, "time": true, "strace": true, "ltrace": true, "timeout": true,
	"nice": true, "env": true, "sudo": true, "xargs": true, "cpulimit": true,
	"watch": true, "busybox": true, "exec": true, "eval": true, "doas": true,
	"chroot": true, "pkexec": true, "unshare": true, "nsenter": true, "flock": true,
	"setsid": true, "stdbuf": true, "ionice": true, "taskset": true,
}

// shellForm removes what a shell discards inside a word, so c'a't, c\at,
// c$@at, pi“ng and ${IFS} read as the command they spell. changed reports
// whether anything was removed inside a word or a $IFS replaced.
// detectCmdI builds it as a [shellView], which notes more on the way.
func shellForm(s string) (out string, changed bool) {
	var v shellView
	v.read(s)
	return v.s, v.obfuscated
}

// noiseAt returns the length of what shellForm removes at s[i] (0 for
// nothing) and whether a space takes its place.
func noiseAt(s string, i int) (n int, space bool) {
	if n = ifsAt(s, i); n > 0 {
		return n, true
	}
	return inWordNoise(s, i), false
}

// pairedInWord reports whether the quote at s[i] has a partner in the same
// word (within 16 bytes either side).
func pairedInWord(s string, i int) bool {
	for j := i + 1; j < len(s) && j-i <= 16 && !isSpace(s[j]); j++ {
		if s[j] == s[i] {
			return true
		}
	}
	for j := i - 1; j >= 0 && i-j <= 16 && !isSpace(s[j]); j-- {
		if s[j] == s[i] {
			return true
		}
	}
	return false
}

// ifsAt returns the length of a $IFS or ${IFS} field separator at s[i], or 0.
func ifsAt(s string, i int) int {
	switch {
	case s[i] != '$':
		return 0
	case strings.HasPrefix(s[i:], "${ifs}"):
		return len("${ifs}")
	case strings.HasPrefix(s[i:], "$ifs"):
		return len("$ifs")
	}
	return 0
}

// inWordNoise returns the length of shell syntax at s[i] that sits inside a
// word and expands to nothing, or 0: c”at, c\at, c$@at, pi“ng, pi$()ng and
// cmd.exe's w^ho.
func inWordNoise(s string, i int) int {
	if i == 0 || !isAlpha(s[i-1]) || i+1 >= len(s) {
		return 0
	}
	c, d := s[i], s[i+1]
	switch {
	case (c == '\'' || c == '"' || c == '`') && d == c:
		return 2
	case c == '\'' || c == '"':
		// Quotes inside a word that open and close there: c'a't, e't'c.
		// A lone apostrophe (don't) is left alone.
		if (isAlpha(d) || d == '/') && pairedInWord(s, i) {
			return 1
		}
	case c == '\\' && isAlpha(d):
		if (d == 'n' || d == 't' || d == 'r') && (i+2 == len(s) || !isAlpha(s[i+2])) {
			return 0 // an escape sequence ending the word (id\n), not c\at
		}
		return 1
	case c == '^' && isAlpha(d):
		return 1 // cmd.exe drops a caret that escapes a letter: w^h^o^a^m^i
	case c == '$' && strings.IndexByte("@?*$_#!-", d) >= 0:
		return 2
	case (c == '$' || c == '<' || c == '>') && strings.HasPrefix(s[i+1:], "()"):
		return 3
	}
	return 0
}

// valueStart reports whether prefix ends where a quoted value or a field
// value begins ("x": ", key=), so what follows is a value of its own.
// A quote that closes an argument quoted within the line (-name '*.py')
// ends a word of a command line shown, not a value.
func valueStart(prefix string) bool {
	p := strings.TrimRight(prefix, " ")
	return p != "" && strings.IndexByte("\"'=:", p[len(p)-1]) >= 0 && !quotedArgument(p)
}

// quotedArgument reports whether p ends with a quote that closes an
// argument opened after a space in the same line, at most 64 bytes back.
func quotedArgument(p string) bool {
	q, end := p[len(p)-1], len(p)-1
	if q != '\'' && q != '"' {
		return false
	}
	for k := end - 1; k >= 0 && end-k <= 64 && p[k] != '\n'; k-- {
		if p[k] == q {
			return k > 0 && p[k-1] == ' ' && k < end-1
		}
	}
	return false
}

// plainCommand reports whether text starts with cmd written plainly,
// followed by the end, a space or a separator.
func plainCommand(text, cmd string) bool {
	if !strings.HasPrefix(text, cmd) {
		return false
	}
	if len(text) == len(cmd) {
		return true
	}
	next := text[len(cmd)]
	return isSpace(next) || strings.IndexByte(";|&", next) >= 0
}

// skippableBytes are the bytes allowed between a separator and a command.
var skippableBytes = shellByteTable(" \t\n\r\v\f'\"{(+`@")

// skippable reports bytes allowed between a separator and a command.
func skippable(c byte) bool { return skippableBytes[c] }

// commandAt returns the command name starting at s[i] (after spaces,
// quotes, braces and parentheses), or "" when none is there.
func commandAt(s string, i int) string {
	// Look at most a few bytes ahead, so a run of separators costs
	// linear time in all.
	for lim := i + 8; i < len(s) && i < lim && skippable(s[i]); i++ {
	}
	if i >= len(s) {
		return ""
	}
	if s[i] == '/' || s[i] == '.' && i+1 < len(s) && s[i+1] == '/' {
		// An absolute or relative program path: /usr/bin/id, ./x.sh.
		j := i
		for j < len(s) && !isSpace(s[j]) && s[j] != ';' && s[j] != '|' && s[j] != '&' {
			j++
		}
		p := s[i:j]
		k := strings.LastIndexByte(p, '/')
		name := p[k+1:]
		if strings.Contains(p, "bin/") || shellCommands[name] || globbedPath(p) {
			return p
		}
		return ""
	}
	if strings.HasPrefix(s[i:], "usr/bin/") || strings.HasPrefix(s[i:], "bin/") {
		j := i
		for j < len(s) && !isSpace(s[j]) && s[j] != ';' && s[j] != '|' && s[j] != '&' {
			j++
		}
		return s[i:j]
	}
	if s[i] == '$' && i+1 < len(s) && (isAlpha(s[i+1]) || s[i+1] == '{') && !codeVariable(s, i+1) {
		return "$variable"
	}
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-' || s[j] == '.') {
		j++
	}
	w := strings.TrimSuffix(s[i:j], ".")
	if w == "" {
		return ""
	}
	prose, shell := proseCommands[w], shellCommands[w]
	if prose && !shellArgFollows(s, j) {
		return ""
	}
	if !shell && !prose {
		// A versioned program name: gcc10.1, python3, pip3.
		w = trimVersion(w)
		shell = shellCommands[w]
	}
	if shell {
		// A command is followed by its arguments or the end, not by
		// more prose glued to it.
		if j == len(s) || isSpace(s[j]) || strings.IndexByte(";|&`)<>'\"$\\+", s[j]) >= 0 {
			return w
		}
		if s[j] == '/' && j+1 < len(s) && isAlpha(s[j+1]) && !proseCommands[w] {
			return w // a Windows switch: bcdboot/r
		}
	}
	return ""
}

// trimVersion returns w without the digits and dots that end it.
func trimVersion(w string) string {
	for len(w) > 0 && (isDigit(w[len(w)-1]) || w[len(w)-1] == '.') {
		w = w[:len(w)-1]
	}
	return w
}

// shellshock reports whether s, the text after "()", opens a function body
// that does nothing (`{ :;}`), the prefix of the Bash environment bug.
func shellshock(s string) bool {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i = skipSpace(s, i+1)
	return i+1 < len(s) && s[i] == ':' && s[skipSpace(s, i+1)] == ';'
}

// anyCommandAt is [commandAt] for places where a command is expected (after
// an exec sink, in a chain of commands): names that are also words (echo,
// top, cd) count there without shell arguments.
func anyCommandAt(s string, i int) string {
	if cmd := commandAt(s, i); cmd != "" {
		return cmd
	}
	for lim := i + 8; i < len(s) && i < lim && skippable(s[i]); i++ {
	}
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-') {
		j++
	}
	w := s[i:j]
	if k := strings.IndexByte(w, '-'); k > 0 && !shellCommands[w] {
		w = w[:k] // a tool of a known family: rmt-dump
	}
	if !shellCommands[w] {
		return ""
	}
	if j == len(s) || isSpace(s[j]) || strings.IndexByte(";|&`)<>'\"$\\+(", s[j]) >= 0 {
		return w
	}
	return ""
}

// tokenValue reports whether prefix is one printable ASCII token (a URL, a
// file name, a long ID) of at most 128 bytes: a value of its own however
// long. Text in scripts written without spaces (Chinese) is not a token.
func tokenValue(prefix string) bool {
	i := len(prefix)
	for i > 0 && prefix[i-1] == ' ' {
		i--
	}
	end := i
	for i > 0 && end-i <= 128 && prefix[i-1] > ' ' && prefix[i-1] < 0x7f {
		i--
	}
	if i == end || end-i > 128 {
		return false
	}
	// Only a little white space may come before the token, so the
	// check stays bounded however long the text.
	return i <= 8 && strings.TrimSpace(prefix[:i]) == ""
}

// aliasDefinition reports whether s is a shell alias definition: alias,
// optional flags, then name= (alias ls-al='ls -al').
func aliasDefinition(s string) bool {
	i := skipSpace(s, 0)
	if !strings.HasPrefix(s[i:], "alias ") {
		return false
	}
	for i = skipSpace(s, i+6); i < len(s) && s[i] == '-'; i = skipSpace(s, i) {
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
	}
	j := i
	for j < len(s) && !isSpace(s[j]) && s[j] != '=' {
		j++
	}
	return j > i && j < len(s) && s[j] == '='
}

// shellExpansion scores expansions that only a shell performs, in the
// lower-cased text before shell noise is removed: $IFS as a separator,
// commands glued from variables ($c1$c2$c3), brace expansion of a command
// and its arguments ({cat,/etc/passwd}), and a value that is a parameter
// expansion with an operator (${path#/}).
func shellExpansion(s string) (float64, string) {
	if strings.IndexByte(s, '$') < 0 && strings.IndexByte(s, '{') < 0 {
		return 0, ""
	}
	var h hit
	if strings.Contains(s, "${ifs}") || strings.Contains(s, "$ifs") {
		h.see(0.85, "$IFS used as a separator")
	}
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) || !isAlpha(s[i+1]) {
			continue
		}
		j := i + 1
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if i > 0 && s[i-1] == '}' || run > 0 && i > 0 && isWordByte(s[i-1]) {
			run++
		} else if j < len(s) && s[j] == '$' {
			run = 1
		} else {
			run = 0
		}
		if run >= 3 {
			h.see(0.85, "command glued from variables")
			break
		}
		i = j - 1
	}
	if k := strings.IndexByte(s, '{'); k >= 0 {
		if w := wordAt(s, k+1); shellCommands[w] && strings.HasPrefix(s[k+1+len(w):], ",") {
			h.see(0.85, "brace expansion of "+w)
		}
	}
	if i := skipSpace(s, 0); strings.HasPrefix(s[i:], "${") {
		j := i + 2
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if j > i+2 && j < len(s) && strings.IndexByte("#%/^,:", s[j]) >= 0 {
			h.see(0.75, "parameter expansion ${"+s[i+2:j]+s[j:j+1])
		}
	}
	return h.score, h.detail
}

// wholeSubstitution reports whether the backtick at s[i] opens a
// substitution of a command with arguments that ends the value or is
// followed by another one (two substitutions in a row): markdown code in a sentence
// (`find` is slow) has prose after it.
func wholeSubstitution(s string, i int) bool {
	k := strings.IndexByte(s[i+1:], '`')
	if k <= 0 {
		return false
	}
	inner, after := s[i+1:i+1+k], i+2+k
	return strings.Contains(inner, " ") && (after == len(s) || s[after] == '`') &&
		anyCommandAt(inner, 0) != ""
}

// codeVariable reports whether the name at s[i] is a variable of PHP or
// Perl code, not a shell command held in a variable: a method call or
// property ($stmt->execute), an index ($row['id']) or an assignment with
// spaces ($x = 1), none of which a shell runs.
func codeVariable(s string, i int) bool {
	j := i
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	rest := s[j:]
	return strings.HasPrefix(rest, "->") || strings.HasPrefix(rest, "[") ||
		strings.HasPrefix(rest, " = ") || strings.HasPrefix(rest, " =& ")
}
