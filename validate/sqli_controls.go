package validate

import "strings"

// controlSpaces scores control characters that stand between SQL words
// (SELECT\x00table_name\x00FROM): Oracle reads NUL and SQL Server every C0
// control as white space, while a filter that drops them sees one long word
// and one that keeps them sees no spaces. ctl is the text with its control
// characters as NUL ([input.ctl]), spaced its SQL form with them as spaces
// and g what [sqlFeatures] saw in spaced. It counts when two separators
// touch SQL words and spaced is a statement: it starts with a statement
// word and what that word needs (SELECT x, UPDATE t), and holds no more
// other words than SQL words. No message a person types has NUL between
// its words, and English is full of SQL words (my order is not in the list).
func controlSpaces(ctl, spaced string, g sqlFacts) (float64, string) {
	if g.sqlWords < 2 || g.words > g.sqlWords || !startsStatement(spaced) ||
		controlSeparators(ctl) < 2 {
		return 0, ""
	}
	return 0.8, "control characters used as spaces between SQL words"
}

// startsStatement reports whether s starts with a statement word and the
// word it needs after it ([stackedNext]: SELECT name, DROP TABLE).
func startsStatement(s string) bool {
	t, j, ok := nextSQLTok(s, 0)
	if !ok || t.kind != 'w' {
		return false
	}
	want, verb := stackedNext[t.val]
	n, _, ok := nextSQLTok(s, j)
	return verb && ok && stackedFollows(want, n)
}

// controlSeparators counts the runs of NUL in ctl that have a token right
// before and right after them, one of them a SQL word.
func controlSeparators(ctl string) int {
	n := 0
	for i := strings.IndexByte(ctl, 0); i >= 0; {
		j := i
		for j < len(ctl) && ctl[j] == 0 {
			j++
		}
		if i > 0 && j < len(ctl) && !isSpace(ctl[i-1]) && !isSpace(ctl[j]) &&
			(sqlWordBefore(ctl, i) || sqlWordAt(ctl, j)) {
			n++
		}
		k := strings.IndexByte(ctl[j:], 0)
		if k < 0 {
			break
		}
		i = j + k
	}
	return n
}

// sqlWordBefore reports whether the word that ends at s[i] is a SQL word.
func sqlWordBefore(s string, i int) bool {
	b := i
	for b > 0 && isWordByte(s[b-1]) {
		b--
	}
	return isSQLWord(s[b:i])
}

// sqlWordAt reports whether the word that starts at s[i] is a SQL word.
func sqlWordAt(s string, i int) bool { return isSQLWord(wordAt(s, i)) }

// isSQLWord reports whether w is a SQL keyword, function, dangerous name
// or statement verb.
func isSQLWord(w string) bool {
	if w == "" {
		return false
	}
	_, verb := stackedNext[w]
	return verb || sqlWordInfo(w)&sqlWordKinds != 0
}
