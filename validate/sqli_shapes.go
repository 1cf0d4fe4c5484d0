package validate

import "strings"

// numberSuffix reports whether s[j] is an Oracle float or double suffix (1f,
// 2d) with a keyword glued after it (1fUNION): the number ends after the
// suffix.
func numberSuffix(s string, j int) bool {
	return j < len(s) && (s[j] == 'f' || s[j] == 'd') && gluedKeyword(s, j+1)
}

// exponentThenKeyword returns the length of the exponent of a number at
// s[j] that a keyword follows glued (1e0union: MySQL reads 1e0 UNION), or 0.
func exponentThenKeyword(s string, j int) int {
	if j >= len(s) || s[j] != 'e' {
		return 0
	}
	k := j + 1
	if k < len(s) && (s[k] == '+' || s[k] == '-') {
		k++
	}
	d := k
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == d || !gluedKeyword(s, k) {
		return 0
	}
	return k - j
}

// odbcEscape reports whether the text after a { at s[i] is an ODBC escape
// that MySQL evaluates, {if length((select ...: a name and then a call or
// a parenthesis.
func odbcEscape(s string, i int) bool {
	name, j, ok := nextSQLTok(s, i)
	if !ok || name.kind != 'w' {
		return false
	}
	t, k, ok := nextSQLTok(s, j)
	return ok && (t.val == "(" || t.kind == 'w' && peekByte(s, k) == '(')
}

// listContinuation returns an explanation when the value continues a list
// of the application's query: a leading comma and a SQL call on a literal
// (, find_in_set('22', x)), or one short word, a comma and an equality of
// constants that ends the value (b,1=1).
func listContinuation(s string) string {
	s = s[fieldName(s):]
	k := strings.IndexByte(s, ',')
	if k < 0 || k > 32 {
		return ""
	}
	head := strings.TrimSpace(s[:k])
	if strings.ContainsAny(head, " '\"`()=") {
		return ""
	}
	if head != "" {
		return listComparison(s, k+1)
	}
	t, j, ok := nextSQLTok(s, k+1)
	if !ok || t.kind != 'w' || !sqlCallNames[t.val] || peekByte(s, j) != '(' {
		return ""
	}
	arg, _, ok := nextSQLTok(s, skipSpace(s, j)+1)
	if ok && (arg.kind == 's' || bareNumber(arg) || arg.val == "select") {
		return "value starts with a list item calling " + t.val
	}
	return ""
}

// listComparison returns an explanation when s[i:] is an equality of two
// constants and nothing more than a comment or a closing parenthesis.
func listComparison(s string, i int) string {
	j, _, ok := constExpr(s, i, 0)
	if !ok {
		return ""
	}
	op, k := compareOpAt(s, j)
	if op != "=" && op != "==" && op != "<>" && op != "!=" && op != "<=>" {
		return ""
	}
	e, _, ok := constExpr(s, k, 0)
	rest := s[skipSpace(s, e):]
	if !ok || rest != "" && rest[0] != ')' && rest[0] != '#' && !strings.HasPrefix(rest, "--") {
		return ""
	}
	return "value then a list item comparing constants with " + op
}

// hexNumber reports whether t is a hexadecimal literal (0x50, 0xdead).
func hexNumber(t sqlTok) bool {
	if t.kind != 'n' || len(t.val) < 3 || t.val[0] != '0' || t.val[1] != 'x' {
		return false
	}
	for i := 2; i < len(t.val); i++ {
		if !isDigit(t.val[i]) && (t.val[i] < 'a' || t.val[i] > 'f') {
			return false
		}
	}
	return true
}

// callsSubquery reports whether the word a, which ends at s[j], opens a
// chain of calls and literals that reaches a subquery within a few tokens:
// ord(mid((select ..., gtid_subset(concat(0x7e,(select ..., the probes of
// boolean-blind and error-based attacks.
func callsSubquery(s string, a sqlTok, j int) bool {
	if peekByte(s, j) != '(' {
		return false
	}
	for n := 0; n < 10; n++ {
		t, k, ok := nextSQLTok(s, j)
		switch {
		case !ok:
			return false
		case t.val == "select":
			return n > 0
		case t.val != "(" && t.val != "," && t.kind != 'n' && t.kind != 's' &&
			(t.kind != 'w' || peekByte(s, k) != '('):
			return false
		}
		j = k
	}
	return false
}

// stringArithmetic reports whether the operator op, which ends at s[k] after
// a string literal, applies arithmetic or bit logic to another string or a
// number (x' or 'a'-', ' or 'b' ^ '1): MySQL casts both to numbers, a
// condition the input alone decides.
func stringArithmetic(s string, op sqlTok, k int) bool {
	if op.kind != 'o' || strings.IndexByte("-+*/%&|^", op.val[0]) < 0 || op.val == "--" {
		return false
	}
	b, _, ok := nextSQLTok(s, k)
	return ok && (b.kind == 's' || bareNumber(b))
}
