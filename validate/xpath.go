package validate

import "strings"

// xpathFuncs are XPath functions and axes that probe a document's shape.
var xpathFuncs = []string{
	"count(/", "name(", "text()", "node()", "comment()", "string-length(",
	"substring(", "contains(", "position()", "last()", "child::", "parent::",
	"ancestor::", "descendant::", "codepoints-to-string", "string(//", "//*",
	"/*[", "//user", "processing-instruction(", "local-name(", "normalize-space(",
	"starts-with(", "doc(", "@*",
}

// detectXPath scores XPath injection: a quote that closes a string followed
// by or/and/] and XPath functions or paths probing the document.
func detectXPath(in *input, c Context) (float64, string) {
	s := in.sql
	var h hit
	q := strings.IndexAny(s[:min(len(s), 64)], "'\"")
	breakout := false
	if q >= 0 && valueLike(s[:q]) {
		breakout = xpathContinues(s[q+1:])
	} else if n := leadingNumber(s); n > 0 {
		breakout = xpathContinues(s[n:]) // 0 or count(//user)>0, 1] | //card
	}
	if !breakout && mayHoldXPath(s) {
		h.see(xpathInSentence(s))
	}
	whole := !strings.Contains(strings.TrimSpace(s), " ")
	if !breakout && !whole && c == Chat {
		return h.score, h.detail // other XPath in running text counts only in strict context
	}
	fn := ""
	for _, f := range xpathFuncs {
		if strings.Contains(s, f) {
			fn = f
			break
		}
	}
	switch {
	case breakout && fn != "":
		h.see(0.92, "quote closed then XPath "+fn)
	case fn != "" && whole && strings.Contains(s, "//"):
		h.see(0.8, "XPath expression "+fn+" as a value")
	case breakout && strings.Contains(s, "]"):
		h.see(0.75, "quote closed inside a predicate")
	case fn != "":
		h.see(0.35, "XPath function "+fn)
	}
	return h.score, h.detail
}

// xpathContinues reports whether rest, what follows a closed string or a
// number, goes on in XPath: a boolean, a union or the end of a predicate.
func xpathContinues(rest string) bool {
	rest = strings.TrimLeft(rest, " )]")
	return strings.HasPrefix(rest, "or ") || strings.HasPrefix(rest, "and ") ||
		strings.HasPrefix(rest, "|") || strings.HasPrefix(rest, "]")
}

// leadingNumber returns the length of the digits that s starts with.
func leadingNumber(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// xpathInSentence scores an XPath breakout typed inside a sentence: a quote
// that does not close a string the text opened, then a boolean or a union
// that reaches a path or a probing function within a short reach (smith'
// or 'z'='z would need SQL; x'] | //user/password | //book[' is XPath).
func xpathInSentence(s string) (float64, string) {
	q := newSentenceQuotes(s, true)
	for i := q.next(); i >= 0; i = q.next() {
		rest := clip(s[i+1:], 160)
		if !xpathContinues(rest) {
			continue
		}
		for _, f := range xpathFuncs {
			if strings.Contains(rest, f) {
				return 0.88, "quote closed inside a sentence, then XPath " + f
			}
		}
		if t := strings.TrimLeft(rest, " )]"); strings.HasPrefix(t, "|") && strings.Contains(t, "//") {
			return 0.88, "quote closed inside a sentence, then an XPath union"
		}
	}
	return 0, ""
}

// mayHoldXPath reports whether s holds what every XPath function, axis or
// union of [xpathInSentence] needs: a parenthesis, a //, a :: or an @*.
func mayHoldXPath(s string) bool {
	return strings.IndexByte(s, '(') >= 0 || strings.Contains(s, "//") ||
		strings.Contains(s, "::") || strings.Contains(s, "@*")
}
