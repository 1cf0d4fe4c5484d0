package validate

// unionBreakout reports whether prev, the token right before UNION, ends a
// value the way an injection closes one: a number, a string, a closing
// parenthesis or brace, a # comment, an operator, NULL, a boolean or a
// word with digits, _, @, $ or an inner dot in it (') union, 1 union,
// @x) union, id1 union). A word of prose does not ("the students union
// select ...").
func unionBreakout(prev sqlTok) bool {
	switch prev.kind {
	case 'n', 's':
		return true
	case 'o':
		return prev.val != ":" // a colon ends a heading: "Agenda: Union Select Committee"
	case 'p':
		return prev.val == ")" || prev.val == "#" || prev.val == "}" || prev.val == "]"
	case 'w':
		v := prev.val
		return v == "null" || v == "true" || v == "false" || identifierLike(v)
	}
	return false
}

// identifierLike reports whether the word w holds a byte that prose words
// lack: a digit, _, @, $, or a dot that does not end it (students.).
func identifierLike(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if isDigit(c) || c == '_' || c == '@' || c == '$' || c == '.' && i < len(w)-1 {
			return true
		}
	}
	return false
}

// selectListSQL reports whether the select list starting at s[i] reads as
// SQL rather than English: items separated by commas, each one token (a
// column, a literal, *) or with a literal, call or operator in it, that
// run into a comment, a statement end, FROM and a table, or a clause. A
// last item that ends the text must be a literal or follow other items.
// Two prose words in a row ("select a new president every year") make it
// English.
// TODO: one bare column, FROM and a name that ends the text ("the union
// select delegates from members") reads as SQL; telling it from prose
// would need a grammar of English, not of SQL.
func selectListSQL(s string, i int) bool {
	var ntok, plain, run, items int // this item's tokens, prose words, words in a row; items done
	literal := false                // this item holds a literal, a call or an operator
	for n := 0; n < 32; n++ {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			return ntok > 0 && (plain == 0 || ntok == 1) && (literal || items > 0)
		}
		if t.val == "," || selectListEnd(s, t, j) {
			if ntok == 0 || plain > 0 && ntok > 1 && !literal {
				return false
			}
			if t.val != "," {
				return t.val != "from" || tableAfterFrom(s, j)
			}
			items++
			ntok, plain, run, literal = 0, 0, 0, false
			i = j
			continue
		}
		word := false // t is a prose word
		switch {
		case t.val == "(":
			j = skipParens(s, j)
			literal = true
		case t.kind == 'w' && peekByte(s, j) == '(':
			j = skipParens(s, skipSpace(s, j)+1)
			literal = true
		case t.kind == 'w' && t.val == "as":
			if _, k, ok := nextSQLTok(s, j); ok {
				j = k // the alias is a name, not prose
			}
			ntok--
		case t.kind == 'w' && plainWord(t.val):
			plain, word = plain+1, true
		case t.kind == 'p':
			// Sentence punctuation: who will the union select?
		default:
			literal = true // a number, string, operator, NULL, @variable, a.b
		}
		if run++; !word {
			run = 0
		}
		ntok++
		if run >= 2 {
			return false
		}
		i = j
	}
	return items > 0
}

// selectListEnd reports whether token t, ending at s[j], ends a select
// list: a comment, a statement end, a closing parenthesis, FROM, or a
// clause together with the word that shows it is one (union select, order
// by, limit 1, into outfile).
func selectListEnd(s string, t sqlTok, j int) bool {
	switch t.val {
	case "--", "#", ";", ")", "from":
		return true
	case "/":
		return peekAt(s, j) == '*'
	}
	if t.kind != 'w' {
		return false
	}
	n, _, ok := nextSQLTok(s, j)
	if !ok {
		return false
	}
	switch t.val {
	case "union":
		return n.val == "select" || n.val == "all" || n.val == "distinct" || n.val == "("
	case "order", "group":
		return n.val == "by"
	case "limit":
		return n.kind == 'n'
	case "into":
		return n.val == "outfile" || n.val == "dumpfile" || n.val[0] == '@'
	}
	return false
}

// plainWord reports whether w, a word token, could be English: letters
// only and no SQL keyword (select a new president, select left members;
// not null, t.col, @x). A function name counts as a word unless called.
func plainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isAlpha(w[i]) && w[i] < 0x80 {
			return false
		}
	}
	return sqlWordInfo(w)&(isKeyword|isDanger) == 0
}

// skipParens returns the index after the parenthesis that closes the one
// opened right before s[i], or len(s) when none does.
func skipParens(s string, i int) int {
	depth := 1
	for n := 0; n < 64; n++ {
		t, j, ok := nextSQLTok(s, i)
		if !ok {
			return j
		}
		if t.kind == 'p' && t.val == "(" {
			depth++
		} else if t.kind == 'p' && t.val == ")" {
			depth--
		}
		if depth == 0 {
			return j
		}
		i = j
	}
	return len(s)
}

// tableAfterFrom reports whether FROM, ending at s[i], is followed by what
// names a table: a subquery, a quoted or qualified name, or a word that the
// text ends on or that a clause, a comma, a comment or a one-letter alias
// follows (from users--, from user where ...), not "from the members" or
// "from all branches".
func tableAfterFrom(s string, i int) bool {
	t, j, ok := nextSQLTok(s, i)
	switch {
	case !ok, t.kind == 's', t.val == "(":
		return true // the text ends at FROM, cut where the query goes on
	case t.kind != 'w', sqlWordInfo(t.val)&isKeyword != 0, t.val[len(t.val)-1] == '.':
		return false // from 3 people, from all branches, from members.
	case !plainWord(t.val):
		return true // information_schema.tables, users_tbl, t1
	}
	n, k, ok := nextSQLTok(s, j)
	switch {
	case !ok, n.kind != 'w', !plainWord(n.val):
		return true // from users, from users--, from user where ...
	}
	// from t a: a one-letter alias, then the end or a clause.
	a, _, ok := nextSQLTok(s, k)
	return len(n.val) == 1 && (!ok || a.kind != 'w' || !plainWord(a.val))
}
