package validate

import "strings"

// A query operator pasted in a question sits inside a query: find({ price:
// { $gt: 0 } }). One sent where a value is expected stands alone in the
// text ({"$regex": "^4"} as an account number) or under a credential field
// ("password": {"$gt": ""}), and then compares with something that
// matches everything.

// nesting counts the braces and parentheses still open before a position
// of a text; positions are asked for in increasing order, so a whole scan
// reads each byte once.
type nesting struct {
	pos, braces, parens int
}

// at returns how many braces and parentheses are open before s[i].
func (n *nesting) at(s string, i int) (braces, parens int) {
	for ; n.pos < i; n.pos++ {
		switch s[n.pos] {
		case '{':
			n.braces++
		case '}':
			n.braces = max(0, n.braces-1)
		case '(':
			n.parens++
		case ')':
			n.parens = max(0, n.parens-1)
		}
	}
	return n.braces, n.parens
}

// credentialKeys are field names whose value an operator turns into a
// login bypass.
var credentialKeys = wordSet(`password pass passwd pwd username user login email token secret pin`)

// operatorObject scores the operator s[i:j], written as the first key of
// an object ({"$gt": ...}), by where its object stands and what it
// compares with: a value typed in (not inside a call, as queries pasted
// in a question are), under a credential field, or alone with an operand
// that matches everything.
func operatorObject(s string, i, j int, n *nesting) (float64, string) {
	b := i - 1
	for b >= 0 && (s[b] == ' ' || s[b] == '"' || s[b] == '\'') {
		b--
	}
	if b < 0 || s[b] != '{' {
		return 0, ""
	}
	braces, parens := n.at(s, b)
	switch k := keyBefore(s, b); {
	case credentialKeys[k] && parens == 0:
		return 0.85, "under the credential field " + k
	case braces == 0 && parens == 0 && matchesAll(s, j):
		return 0.85, "standing alone for a value"
	case parens == 0 && (valueLike(s[:b]) || strings.HasPrefix(strings.TrimSpace(s), "{")):
		return 0.9, "as an object key"
	}
	return 0, ""
}

// keyBefore returns the object key whose value starts at s[b], or "":
// "password": {  gives password.
func keyBefore(s string, b int) string {
	k := b - 1
	for k >= 0 && s[k] == ' ' {
		k--
	}
	if k < 0 || s[k] != ':' {
		return ""
	}
	k--
	for k >= 0 && (s[k] == ' ' || s[k] == '"' || s[k] == '\'') {
		k--
	}
	e := k + 1
	for k >= 0 && isWordByte(s[k]) && e-k <= 32 {
		k--
	}
	return s[k+1 : e]
}

// matchesAll reports whether the operand after the operator ending at
// s[j] matches (nearly) everything: "" or a regular expression of an
// anchor and a few characters (^4, .*). null is left out: {"$ne": null}
// is how queries ask for a field that is set.
func matchesAll(s string, j int) bool {
	k := skipSpace(s, j)
	for k < len(s) && (s[k] == '"' || s[k] == '\'') && k-j < 2 {
		k++ // the key's closing quote
	}
	k = skipSpace(s, k)
	if k >= len(s) || s[k] != ':' {
		return false
	}
	v := s[skipSpace(s, k+1):]
	if strings.HasPrefix(v, `""`) || strings.HasPrefix(v, "''") {
		return true
	}
	if v == "" || v[0] != '"' && v[0] != '\'' {
		return false
	}
	e := strings.IndexByte(v[1:min(len(v), 8)], v[0])
	return e > 0 && (v[1] == '^' || v[1] == '.')
}
