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

// lineCommentSpace scores a # or -- comment glued to a SQL keyword and
// ending at a line break right before more SQL (union#\ndistinctrow,
// and--x\n1=1): the comment stands where a space would, as filter-evasion
// tampers write it. People who comment their SQL leave a space before the
// comment and write words in it. low is the lower-cased text with its line
// breaks.
func lineCommentSpace(low string) (float64, string) {
	for i := 0; i < len(low); {
		end := strings.IndexByte(low[i:], '\n')
		if end < 0 {
			return 0, ""
		}
		end += i
		if w := gluedLineComment(low, i, end); w != "" {
			return 0.75, "line comment used as a space after " + w
		}
		i = end + 1
	}
	return 0, ""
}

// maxFillerComment bounds the length of a line comment, its marker
// included, that only stands in for a space.
const maxFillerComment = 32

// gluedLineComment returns the SQL keyword that the first line comment on
// the line low[i:nl] is glued to, when the comment holds only filler and
// the next line that is not all comment goes on with SQL, or "".
func gluedLineComment(low string, i, nl int) string {
	line := low[i:nl]
	c := strings.IndexByte(line, '#')
	if d := strings.Index(line, "--"); d >= 0 && (c < 0 || d < c) {
		c = d
	}
	if c <= 0 || !isWordByte(line[c-1]) || len(line)-c > maxFillerComment {
		return ""
	}
	for k := c; k < len(line); k++ {
		if !isWordByte(line[k]) && strings.IndexByte("#-*/\r", line[k]) < 0 {
			return "" // words and spaces: a comment someone wrote
		}
	}
	b := c
	for b > 0 && isWordByte(line[b-1]) {
		b--
	}
	w := line[b:c]
	if !sqlKeywords[w] {
		return "" // C#, F#, a hashtag on a word
	}
	j := skipSpace(low, nl+1)
	for j < len(low) && (low[j] == '#' || strings.HasPrefix(low[j:], "--")) {
		// A line that is all comment stands for a space as well
		// (union#x\n#y\nselect). Only a glued line, which is no such
		// line, starts this, so no line is skipped twice.
		e := strings.IndexByte(low[j:], '\n')
		if e < 0 {
			return ""
		}
		j = skipSpace(low, j+e+1)
	}
	t, k, ok := nextSQLTok(low, j)
	if !ok {
		return ""
	}
	if t.kind == 'w' {
		info := sqlWordInfo(t.val)
		_, verb := stackedNext[t.val]
		if info&(isKeyword|isDanger) != 0 || verb || info&isFunc != 0 && peekByte(low, k) == '(' {
			return w
		}
		return ""
	}
	if t.kind == 'n' || t.kind == 's' || t.val == "(" {
		return w
	}
	return ""
}
