package validate

import "strings"

// imapCommands are IMAP commands that follow a client tag (a001 SELECT).
var imapCommands = wordSet(`login select examine status search fetch store copy append
	list lsub uid authenticate create delete rename close expunge logout capability noop
	subscribe unsubscribe check idle starttls move`)

// imapItems are message data items of FETCH and STORE; after a sequence
// number they make a line IMAP even when its tag has no digit (d store 2
// +flags).
var imapItems = []string{"+flags", "-flags", "flags (\\", "(flags", "body[", "body.peek[",
	"rfc822"}

// mailCommand scores a value that is a line of a mail protocol (IMAP with
// a tag, SMTP, POP3): an application that splices a field into such a
// session lets the value issue commands of its own. Single bare words
// (DATA, QUIT) are not counted; they are ordinary text too often.
func mailCommand(s string) (float64, string) {
	t, ok := mailLine(s)
	if !ok {
		return 0, ""
	}
	if i := strings.IndexByte(t, ' '); i > 0 && i <= 6 {
		tag, rest := t[:i], strings.TrimLeft(t[i+1:], " ")
		cmd := wordAt(rest, 0)
		if isAlpha(tag[0]) && imapCommands[cmd] &&
			(hasDigit(tag) || imapSequence(rest[len(cmd):])) {
			return 0.8, "IMAP command " + cmd + " with a tag"
		}
	}
	for _, p := range []string{"mail from:<", "rcpt to:<", "ehlo ", "helo ", "apop ", "auth "} {
		if strings.HasPrefix(t, p) && len(t) > len(p) {
			return 0.75, "mail protocol command " + strings.TrimRight(p, " :<")
		}
	}
	for _, p := range []string{"retr ", "top ", "dele ", "list "} {
		if strings.HasPrefix(t, p) && len(t) < 40 && messageNumber(t[len(p):]) {
			return 0.75, "POP3 command " + strings.TrimSpace(p)
		}
	}
	return 0, ""
}

// mailLine returns the protocol line a value would send: the text after a
// line break left at its start (#10; is &#10; without its &), up to the
// end or to a CRLF, of at most 120 bytes. A line ended by a bare LF is
// chat, not protocol.
func mailLine(s string) (string, bool) {
	t := strings.TrimSpace(s)
	for _, p := range []string{"#13;", "#10;"} {
		t = strings.TrimPrefix(t, p)
	}
	i := strings.IndexByte(t[:min(len(t), 122)], '\n')
	if i < 0 {
		return t, len(t) <= 120
	}
	if i == 0 || t[i-1] != '\r' {
		return "", false
	}
	return t[:i-1], true
}

// imapSequence reports whether s starts with an IMAP sequence set and a
// message data item ( 2 +flags, 1:* body[]).
func imapSequence(s string) bool {
	s = strings.TrimLeft(s, " ")
	i := 0
	for i < len(s) && (isDigit(s[i]) || strings.IndexByte(":*,", s[i]) >= 0) {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ' ' {
		return false
	}
	for _, item := range imapItems {
		if strings.HasPrefix(s[i+1:], item) {
			return true
		}
	}
	return false
}

// messageNumber reports whether s is POP3 message numbers (5, 5 10) that
// end the value or are followed by markup or a quote, not by a word.
func messageNumber(s string) bool {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == ' ') {
		i++
	}
	return i > 0 && isDigit(s[0]) && (i == len(s) || strings.IndexByte(`"'<>`, s[i]) >= 0)
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}
