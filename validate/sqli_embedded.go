package validate

import "strings"

// Bounds of [embeddedBreakout]: the quotes it tries and how far after each
// it looks for the end of the injected part. Both keep it linear.
const (
	maxEmbeddedQuotes = 8
	maxInjectedLen    = 320
)

// embeddedBreakout scores a payload typed inside a sentence, as users of a
// chat field do: a quote that closes the application's string, SQL that
// does something (a tautology, a timing or catalogue call, a stacked
// statement, UNION SELECT, a subquery), and then a comment that cuts the
// rest of the query or a concatenation that reopens the string: "look up
// laptops' AND SLEEP(10)-- thanks", "Main St'||(SELECT pg_sleep(5))||' apt 4".
// A quote after a word reads as an apostrophe elsewhere (parents' or
// yours); here the SQL and its end tell them apart. A quote that closes a
// string opened earlier in the text is pasted SQL, not a breakout.
func embeddedBreakout(s string) (float64, string) {
	var seen [3]int // quotes of each kind so far, apostrophes left out
	for i, n := 0, 0; i < len(s) && n < maxEmbeddedQuotes; i++ {
		next := strings.IndexAny(s[i:], "'\"`")
		if next < 0 {
			break
		}
		i += next
		k := strings.IndexByte("'\"`", s[i])
		if apostrophe(s, i) {
			continue
		}
		seen[k]++
		if seen[k]%2 == 0 {
			continue // it closes a string the text opened itself: "House" UNION
		}
		n++
		seg, ok := injectedPart(s[i+1:])
		if !ok {
			continue
		}
		g := sqlFeatures(seg)
		for _, what := range []string{g.tautology, g.danger, g.stacked, g.union} {
			if what != "" {
				return 0.9, "quote closed inside a sentence, then " + what
			}
		}
		if k := strings.Index(seg, "(select "); k >= 0 && strings.Contains(seg[k:], " from ") {
			return 0.9, "quote closed inside a sentence, then a subquery"
		}
	}
	return 0, ""
}

// injectedPart returns the SQL that follows a closing quote up to where the
// attacker ends it: a -- or # comment, or a || that reopens the string
// (||'). ok is false unless the text goes on with a boolean, a statement
// separator or a concatenation and reaches such an end within
// maxInjectedLen bytes, outside quoted strings.
func injectedPart(rest string) (seg string, ok bool) {
	rest = clip(rest, maxInjectedLen)
	t, _, more := nextSQLTok(rest, 0)
	if !more {
		return "", false
	}
	concat := t.kind == 'o' && t.val == "||"
	switch {
	case concat, t.kind == 'o' && t.val == "&&", t.kind == 'p' && t.val == ";":
	case t.kind == 'w' && (t.val == "or" || t.val == "and" || t.val == "xor" || t.val == "union"):
	default:
		return "", false
	}
	var quote byte
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case concat && c == '|' && strings.HasPrefix(rest[i:], "||'"):
			if i > t.pos {
				return rest[:i], true
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '#', c == '-' && strings.HasPrefix(rest[i:], "--") && commentEnd(rest, i+2):
			return rest[:i], true
		}
	}
	return "", false
}

// commentEnd reports whether a -- at rest[:i] starts a comment as MySQL
// and the others read it: followed by a space, a dash or the end.
func commentEnd(rest string, i int) bool {
	return i >= len(rest) || rest[i] == ' ' || rest[i] == '-' || rest[i] == '\n'
}
