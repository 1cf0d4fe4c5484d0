package validate

import "strings"

// detectLDAP scores LDAP filter injection: a value that closes its filter
// component and opens another ()( , )(| , )(& , or wildcards around such a
// break (*)(uid=*)). A ')' closing a '(' of the text itself belongs to a
// whole filter quoted in a question, (&(a=b)(!(c=d))), not to a breakout.
func detectLDAP(in *input, c Context) (float64, string) {
	s := in.low
	if strings.IndexByte(s, ')') < 0 && strings.IndexByte(s, '*') < 0 &&
		strings.IndexByte(s, '\\') < 0 && !in.nul {
		return 0, "" // every shape below needs one of these
	}
	var h hit
	var nest nesting
	for i := 0; i+1 < len(s); i++ {
		n := strings.IndexByte(s[i:len(s)-1], ')') // the next ')' before the last byte
		if n < 0 {
			break
		}
		i += n
		_, parens := nest.at(s, i)
		opened := parens > 0 // this ')' closes a '(' of the text itself
		j := skipSpace(s, i+1)
		if j+1 < len(s) && strings.IndexByte("&|!", s[j]) >= 0 && s[j+1] == '(' && valueLike(s[:i]) {
			h.see(0.88, "filter closed then "+s[j:j+2]+" opened")
			continue
		}
		if j >= len(s) || s[j] != '(' {
			continue
		}
		k := skipSpace(s, j+1)
		switch {
		case k < len(s) && (s[k] == '|' || s[k] == '&' || s[k] == '!') && !opened:
			h.see(0.9, "filter closed then )("+s[k:k+1]+" opened")
		case k < len(s) && (s[k] == '|' || s[k] == '&' || s[k] == '!'):
			h.see(0.5, "nested filter in text")
		case k < len(s) && ldapAttrAt(s, k):
			switch {
			case valueLike(s[:i]):
				h.see(0.88, "filter closed then new attribute test")
			case !opened && wildcardAround(s, i, k):
				h.see(0.85, "wildcard filter closed then new attribute test")
			default:
				h.see(0.5, ")(attribute= in text")
			}
		case k >= len(s) || s[k] == ')':
			if valueLike(s[:i]) {
				h.see(0.8, "filter closed then empty component")
			}
		}
	}
	if strings.HasPrefix(s, "*)") || strings.HasPrefix(s, "*(") ||
		strings.Contains(s, "=*)") && valueLike(s) { // (mail=*) tests presence in a quoted filter
		h.see(0.8, "wildcard that closes a filter")
	}
	if valueLike(s) && (strings.HasSuffix(s, ")(|") || strings.HasSuffix(s, ")(&") ||
		strings.HasPrefix(s, "(|(") || strings.HasPrefix(s, "(&(")) {
		h.see(0.85, "LDAP filter operators in a value")
	}
	if len(s) < 40 && valueLike(s) {
		for _, e := range []string{`\28`, `\29`, `\2a`, `\00`, `\26`, `\7c`} {
			if strings.Contains(s, e) {
				h.see(0.75, "LDAP escape "+e+" in a value")
			}
		}
	}
	if in.nul && nulAfterValue(in.raw) {
		h.see(0.75, "NUL byte ending a value")
	}
	return h.score, h.detail
}

// nulAfterValue reports whether raw text holds a URL-encoded NUL right
// after a word and before white space or the end (admin%00 and then): a
// value cut short for a C-string filter or parser.
func nulAfterValue(raw string) bool {
	for i := 0; ; i += 3 {
		k := strings.Index(raw[i:], "%00")
		if k < 0 {
			return false
		}
		i += k
		e := i + 3
		if i > 0 && isWordByte(raw[i-1]) && (e == len(raw) || isSpace(raw[e])) {
			return true
		}
	}
}

// wildcardAround reports whether the ')' at s[i] follows a wildcard or the
// attribute test starting at s[k] matches one: j*)(cn=x, x)(uid=*.
func wildcardAround(s string, i, k int) bool {
	if i > 0 && s[i-1] == '*' {
		return true
	}
	e := strings.IndexByte(s[k:min(len(s), k+64)], '=')
	return e >= 0 && k+e+1 < len(s) && s[k+e+1] == '*'
}

// ldapAttrAt reports whether s[i:] is attribute=, attribute~=, >= or <=.
func ldapAttrAt(s string, i int) bool {
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-' || s[j] == '.') {
		j++
	}
	if j == i || j >= len(s) {
		return false
	}
	return s[j] == '=' || (j+1 < len(s) && s[j+1] == '=' && strings.IndexByte("~<>", s[j]) >= 0)
}
