package validate

import "strings"

// detectLDAP scores LDAP filter injection: a value that closes its filter
// component and opens another ()( , )(| , )(& , or wildcards around such a
// break (*)(uid=*)).
func detectLDAP(in *input, c Context) (float64, string) {
	s := in.low
	if strings.IndexByte(s, ')') < 0 && strings.IndexByte(s, '*') < 0 &&
		strings.IndexByte(s, '\\') < 0 {
		return 0, "" // every shape below needs one of these
	}
	var h hit
	for i := 0; i+1 < len(s); i++ {
		n := strings.IndexByte(s[i:len(s)-1], ')') // the next ')' before the last byte
		if n < 0 {
			break
		}
		i += n
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
		case k < len(s) && (s[k] == '|' || s[k] == '&' || s[k] == '!'):
			h.see(0.9, "filter closed then )("+s[k:k+1]+" opened")
		case k < len(s) && ldapAttrAt(s, k):
			if valueLike(s[:i]) {
				h.see(0.88, "filter closed then new attribute test")
			} else {
				h.see(0.5, ")(attribute= in text")
			}
		case k >= len(s) || s[k] == ')':
			if valueLike(s[:i]) {
				h.see(0.8, "filter closed then empty component")
			}
		}
	}
	if strings.HasPrefix(s, "*)") || strings.HasPrefix(s, "*(") || strings.Contains(s, "=*)") {
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
	return h.score, h.detail
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
