package validate

import "strings"

// execCommentWords are the words that open a query fragment in a MySQL
// executable comment (/*!50000union*/, /*!or*/ 1=1). mysqldump and the
// MySQL manual put whole statements and table options there instead (SET,
// ALTER TABLE, IF NOT EXISTS, SQL_NO_CACHE, STRAIGHT_JOIN), never these.
var execCommentWords = wordSet(`select union and or xor not from where having limit order
	group into all distinct distinctrow like rlike regexp between`)

// executableComment scores a MySQL executable comment, /*! with an optional
// version number, whose body is a fragment of a query: a clause word, a
// call, a catalogue name, or a literal right after a SQL keyword (SELECT
// /*!32302 1/0, */ 1). MySQL runs the body while a filter reads a comment,
// and a fragment there is no dump or manual text. low is the lower-cased
// text with its comments.
func executableComment(low string) (float64, string) {
	for i := 0; ; i += 3 {
		k := strings.Index(low[i:], "/*!")
		if k < 0 {
			return 0, ""
		}
		i += k
		j := i + 3
		for j < len(low) && isDigit(low[j]) {
			j++ // the version: 50000
		}
		if d := execFragment(low, i, j); d != "" {
			return 0.8, "executable comment holds " + d
		}
	}
}

// execFragment returns what the body of the executable comment that opens
// at low[i] and whose body starts at low[j] holds when that is a query
// fragment, or "".
func execFragment(low string, i, j int) string {
	t, k, ok := nextSQLTok(low, j)
	if !ok {
		return ""
	}
	switch {
	case t.kind == 'w' && execCommentWords[t.val]:
		return "SQL " + t.val
	case t.kind == 'w':
		info := sqlWordInfo(t.val)
		if info&isFunc != 0 && peekByte(low, k) == '(' {
			return "a call of " + t.val
		}
		if d := dangerName(t.val, info); d != "" && (!dangerNeedsCall[d] || peekByte(low, k) == '(') {
			return "SQL " + d
		}
		if t.val[0] != '@' {
			return ""
		}
	case t.kind != 'n' && t.kind != 's' && t.val != "(":
		return ""
	}
	// A literal, a variable or a parenthesis: part of an expression when
	// the comment follows a SQL keyword.
	b := i
	for b > 0 && isSpace(low[b-1]) {
		b--
	}
	e := b
	for b > 0 && isWordByte(low[b-1]) {
		b--
	}
	if w := low[b:e]; sqlKeywords[w] {
		return "an expression after SQL " + w
	}
	return ""
}
