package validate

import "strings"

// imapCommands are IMAP commands that follow a client tag (a001 SELECT).
var imapCommands = wordSet(`login select examine status search fetch store copy append
	list lsub uid authenticate create delete rename close expunge logout capability noop
	subscribe unsubscribe check idle starttls move`)

// mailCommand scores a value that is a line of a mail protocol (IMAP with
// a tag, SMTP, POP3): an application that splices a field into such a
// session lets the value issue commands of its own. Single bare words
// (DATA, QUIT) are not counted; they are ordinary text too often.
func mailCommand(s string) (float64, string) {
	t := strings.TrimSpace(s)
	if len(t) > 120 || strings.ContainsAny(t, "\n") {
		return 0, ""
	}
	if i := strings.IndexByte(t, ' '); i > 0 && i <= 6 {
		tag, rest := t[:i], strings.TrimLeft(t[i+1:], " ")
		cmd := wordAt(rest, 0)
		if isAlpha(tag[0]) && hasDigit(tag) && imapCommands[cmd] {
			return 0.8, "IMAP command " + cmd + " with a tag"
		}
	}
	for _, p := range []string{"mail from:<", "rcpt to:<", "ehlo ", "helo ", "apop ", "auth "} {
		if strings.HasPrefix(t, p) && len(t) > len(p) {
			return 0.75, "mail protocol command " + strings.TrimRight(p, " :<")
		}
	}
	for _, p := range []string{"retr ", "top ", "dele "} {
		if strings.HasPrefix(t, p) && isDigit(t[len(t)-1]) && len(t) < 16 {
			return 0.75, "POP3 command " + strings.TrimSpace(p)
		}
	}
	return 0, ""
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}
