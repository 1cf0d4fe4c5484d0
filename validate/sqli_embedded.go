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
	q := newQuoteFinder(s)
	for n := 0; n < maxEmbeddedQuotes; {
		i, k := q.next()
		if i < 0 {
			break
		}
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

// quoteFinder yields the quotes of s (' " `) in order, each kind found with
// strings.IndexByte, which is much faster than testing byte by byte.
type quoteFinder struct {
	s  string
	at [3]int // the next quote of each kind not yet yielded, -1 for none
}

const quoteKinds = "'\"`"

func newQuoteFinder(s string) quoteFinder {
	q := quoteFinder{s: s}
	for k := range q.at {
		q.at[k] = indexFrom(s, 0, quoteKinds[k])
	}
	return q
}

// next returns the index of the next quote and its kind (its index in
// quoteKinds), or -1 when there is none.
func (q *quoteFinder) next() (int, int) {
	best := -1
	for k, i := range q.at {
		if i >= 0 && (best < 0 || i < q.at[best]) {
			best = k
		}
	}
	if best < 0 {
		return -1, 0
	}
	i := q.at[best]
	q.at[best] = indexFrom(q.s, i+1, quoteKinds[best])
	return i, best
}

// indexFrom returns the index of the first c in s at or after from, or -1.
func indexFrom(s string, from int, c byte) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return -1
}
