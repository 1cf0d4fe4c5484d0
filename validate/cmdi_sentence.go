package validate

import "strings"

// sentenceBreakoutScore is the score of a separator that follows a value
// inside a sentence and starts a command line.
const sentenceBreakoutScore = 0.85

// sentenceBreakout reports whether the separator at s[i], whose command
// starts at s[k], breaks out of a value a sentence gives (ping my server
// at 10.0.0.5; cat /etc/passwd): the word before it is a value
// ([valueToken]), neither a flag before it in the same line nor a command
// right before the value says a command line is being shown (chmod +x
// deploy.sh && ./deploy.sh, open index.html | less), and what follows is
// a command line ([commandLineAt]).
// TODO: a command name that is also a noun right before the value (the
// file x.pdf; rm ...) reads as a command line shown, so that breakout is
// let through.
func sentenceBreakout(s string, i, k int) bool {
	e := i
	for e > 0 && i-e < 2 && s[e-1] == ' ' {
		e--
	}
	b := e
	for b > 0 && e-b <= 64 && !isSpace(s[b-1]) {
		b--
	}
	return valueToken(s[b:e]) && !flagBefore(s, b) && !commandWord(wordBefore(s, b)) &&
		commandLineAt(s, k)
}

// commandWord reports whether w names a command; short words (at, w) are
// read as the prose they mostly are.
func commandWord(w string) bool { return len(w) >= 3 && shellCommands[w] }

// wordBefore returns the word of at most 32 bytes that ends a space
// before s[b], or "".
func wordBefore(s string, b int) string {
	e := b
	for e > 0 && b-e < 2 && s[e-1] == ' ' {
		e--
	}
	w := e
	for w > 0 && e-w < 32 && (isWordByte(s[w-1]) || s[w-1] == '-') {
		w--
	}
	if e == b || w > 0 && !isSpace(s[w-1]) {
		return ""
	}
	return s[w:e]
}

// valueToken reports whether tok is a value a person names in a sentence:
// a host, an IP address, a file or an e-mail address (a . or @ between
// word bytes), or a name of letters and digits (web01), of at most 64
// bytes.
func valueToken(tok string) bool {
	if len(tok) < 2 || len(tok) > 64 || !isWordByte(tok[len(tok)-1]) {
		return false
	}
	inner, letter, digit := false, false, false
	for n := 0; n < len(tok); n++ {
		c := tok[n]
		switch {
		case isAlpha(c):
			letter = true
		case isDigit(c):
			digit = true
		case (c == '.' || c == '@') && n > 0 && isWordByte(tok[n-1]):
			inner = true
		case c != '_' && c != '-' && c != ':' && c != '/' && c != '.':
			return false
		}
	}
	return inner || letter && digit
}

// flagBefore reports whether a flag (-x, --name, +x) starts a word in the
// line before s[b], at most 128 bytes back: the value is an argument of a
// command line shown, not a value of a sentence.
func flagBefore(s string, b int) bool {
	for k := b - 1; k > 0 && b-k <= 128 && s[k] != '\n'; k-- {
		if (s[k] == '-' || s[k] == '+') && s[k-1] == ' ' && k+1 < len(s) && isWordByte(s[k+1]) {
			return true
		}
	}
	return false
}

// reconCommands are commands an attacker runs bare to see where a
// breakout landed.
var reconCommands = wordSet(`whoami uname ifconfig ipconfig hostname systeminfo netstat
	pwd`)

// commandLineAt reports whether a command line starts at s[k]: a command
// followed by the end, a separator, a flag, a path, a variable, a drive or
// a URL, or a command an attacker runs bare ([reconCommands]).
func commandLineAt(s string, k int) bool {
	cmd := commandAt(s, k)
	if cmd == "" {
		return reconThenPunctuation(s, k) != ""
	}
	if reconCommands[cmd] {
		return true
	}
	j := k
	for j < len(s) && j-k < 8 && skippable(s[j]) {
		j++
	}
	for end := j + 64; j < len(s) && j < end && !isSpace(s[j]) && strings.IndexByte(";|&", s[j]) < 0; {
		j++ // the command name
	}
	j = skipSpace(s, j)
	if j >= len(s) || strings.IndexByte("-/~$;|&<>", s[j]) >= 0 {
		return true
	}
	w := j
	for w < len(s) && w-j < 16 && (isAlpha(s[w]) || isDigit(s[w])) {
		w++
	}
	return strings.HasPrefix(s[w:], "://") || w == j+1 && strings.HasPrefix(s[w:], `:\`)
}

// reconThenPunctuation returns the recon command (whoami, uname) that
// starts at s[k], spelled plainly or with cmd.exe carets, when the sentence
// goes on after a comma or a full stop (pc-42 & w^h^o^a^m^i, can you
// check?), or "".
func reconThenPunctuation(s string, k int) string {
	for lim := k + 8; k < len(s) && k < lim && skippable(s[k]); k++ {
	}
	var buf [16]byte
	w := buf[:0]
	j := k
	for ; j < len(s) && j-k < 32 && (isAlpha(s[j]) || s[j] == '^'); j++ {
		if s[j] != '^' && len(w) < len(buf) {
			w = append(w, s[j])
		}
	}
	if j < len(s) && strings.IndexByte(",.!?", s[j]) >= 0 && reconCommands[string(w)] {
		return string(w)
	}
	return ""
}

// gluedSubstitution reports whether the $( or backtick at s[i] is glued
// to a word before it (report$(id).pdf, web01`whoami`.corp): a
// substitution inside a value, and returns the command it runs.
func gluedSubstitution(s string, i int) string {
	if i == 0 || !isWordByte(s[i-1]) && s[i-1] != '.' && s[i-1] != '-' {
		return ""
	}
	return substitutedCommand(s, i)
}

// substitutedCommand returns the command a $( or backtick substitution at
// s[i] runs, or "". The substitution says a command follows, so everyday
// words (id, echo) count.
func substitutedCommand(s string, i int) string {
	switch {
	case i >= len(s):
	case strings.HasPrefix(s[i:], "$("):
		return anyCommandAt(s, i+2)
	case s[i] == '`':
		return anyCommandAt(s, i+1)
	}
	return ""
}

// wholeCommandSubstitution reports whether s, but for white space, is one
// $(...) substitution of a command: $(id), $(echo aWQ=|base64 -d).
func wholeCommandSubstitution(s string) bool {
	i := skipSpace(s, 0)
	if !strings.HasPrefix(s[i:], "$(") || substitutedCommand(s, i) == "" {
		return false
	}
	end := strings.LastIndexByte(s, ')')
	return end > i && skipSpace(s, end+1) == len(s)
}

// leadingNewline scores a value that starts with a line break and then a
// command line an attacker runs: a recon command with at most flags after
// it (\nid, \r\nuname -a) or one that reads a secret file (\ncat
// /etc/passwd). An application that splices the value at the end of a
// command line runs that line on its own.
// TODO: other command lines after a leading line break are let through;
// a message that opens with a blank line and then shows a command is
// common in chat.
func leadingNewline(s string) (float64, string) {
	if s == "" || s[0] != '\n' && s[0] != '\r' {
		return 0, ""
	}
	i := skipSpace(s, 0)
	line := s[i:lineEnd(s, i)]
	cmd := anyCommandAt(line, 0)
	if cmd == "" || len(line) > 120 {
		return 0, ""
	}
	if (reconCommands[cmd] || cmd == "id") && onlyFlags(line[len(cmd):]) || reachesSecret(line) {
		return 0.85, "line break then command " + cmd
	}
	return 0, ""
}

// onlyFlags reports whether rest holds nothing but flags (-a, /all)
// between spaces.
func onlyFlags(rest string) bool {
	for i := skipSpace(rest, 0); i < len(rest); i = skipSpace(rest, i) {
		if rest[i] != '-' && rest[i] != '/' {
			return false
		}
		for i < len(rest) && !isSpace(rest[i]) {
			i++
		}
	}
	return true
}
