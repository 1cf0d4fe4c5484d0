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
	q := newSentenceQuotes(s, false) // a backtick in chat is markdown code: `|| true`
	for i := q.next(); i >= 0; i = q.next() {
		rest := s[i+1:]
		if strings.HasPrefix(rest, "--") && commentEnd(rest, 2) && i > 0 && isWordByte(s[i-1]) {
			return 0.85, "quote closed inside a sentence, then a comment" // admin'-- and ...
		}
		seg, ok := injectedPart(rest, s[i])
		if !ok {
			continue
		}
		if assignments(seg) > 0 {
			return 0.85, "quote closed inside a sentence, then more columns set"
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

// injectedPart returns the SQL that follows a closing quote q up to where
// the attacker ends it: a -- or # comment, a || that reopens the string
// (||'), or a string left open for the application to close, which ends
// with the word after its quote (jean' OR 'a'='a and then words). ok is
// false unless the text goes on, after closing parentheses, with a
// boolean, a statement separator, a concatenation or a comma and reaches
// such an end within maxInjectedLen bytes.
func injectedPart(rest string, q byte) (seg string, ok bool) {
	rest = clip(rest, maxInjectedLen)
	t, j, more := nextSQLTok(rest, 0)
	for n := 0; more && n < 3 && t.kind == 'p' && t.val == ")"; n++ {
		t, j, more = nextSQLTok(rest, j) // kim')) OR ...
	}
	if !more {
		return "", false
	}
	concat := t.kind == 'o' && t.val == "||"
	switch {
	case concat, t.kind == 'o' && t.val == "&&", t.kind == 'p' && (t.val == ";" || t.val == ","):
	case t.kind == 'w' && (t.val == "or" || t.val == "and" || t.val == "xor" || t.val == "union"):
	default:
		return "", false
	}
	var quote byte
	open := -1 // where the string still open began
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
			quote, open = c, i
		case c == '#', c == '-' && strings.HasPrefix(rest[i:], "--") && commentEnd(rest, i+2):
			return rest[:i], true
		}
	}
	if quote == 0 || quote != q {
		return "", false
	}
	end := open + 1
	for end < len(rest) && isWordByte(rest[end]) {
		end++
	}
	return rest[:end] + string(q), true
}

// assignments counts the ", name = '" that follow one another at the start
// of seg: a value of an UPDATE ... SET that goes on to set more columns
// (x', role='admin', bio='hi).
func assignments(seg string) int {
	shape := [...]func(sqlTok) bool{
		func(t sqlTok) bool { return t.val == "," },
		func(t sqlTok) bool { return t.kind == 'w' },
		func(t sqlTok) bool { return t.val == "=" },
		func(t sqlTok) bool { return t.kind == 's' },
	}
	for n, i := 0, 0; ; n++ {
		for _, fits := range shape {
			t, j, ok := nextSQLTok(seg, i)
			if !ok || !fits(t) {
				return n
			}
			i = j
		}
	}
}

// commentEnd reports whether a -- at rest[:i] starts a comment as MySQL
// and the others read it: followed by a space, a dash or the end.
func commentEnd(rest string, i int) bool {
	return i >= len(rest) || rest[i] == ' ' || rest[i] == '-' || rest[i] == '\n'
}

// sentenceQuotes yields, in order, the quotes of a sentence that may close
// an application's string: not an apostrophe inside a word (don't), not a
// quote that closes a string the text opened itself ("House" UNION), and at
// most maxEmbeddedQuotes of them, so that readings after each stay linear.
type sentenceQuotes struct {
	s         string
	q         quoteFinder
	seen      [3]int // quotes of each kind so far, apostrophes left out
	n         int
	backticks bool
}

func newSentenceQuotes(s string, backticks bool) sentenceQuotes {
	return sentenceQuotes{s: s, q: newQuoteFinder(s), backticks: backticks}
}

// next returns the index of the next such quote, or -1.
func (sq *sentenceQuotes) next() int {
	for sq.n < maxEmbeddedQuotes {
		i, k := sq.q.next()
		if i < 0 {
			return -1
		}
		if apostrophe(sq.s, i) || sq.s[i] == '`' && !sq.backticks {
			continue
		}
		if sq.seen[k]++; sq.seen[k]%2 == 0 {
			continue
		}
		sq.n++
		return i
	}
	return -1
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
