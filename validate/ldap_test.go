package validate

import (
	"strings"
	"testing"
)

// refDetectLDAP is the byte-at-a-time form detectLDAP must agree with.
func refDetectLDAP(in *input, c Context) (float64, string) {
	s := in.low
	if !strings.ContainsAny(s, ")*\\") {
		return 0, "" // every shape below needs one of these
	}
	var h hit
	for i := 0; i+1 < len(s); i++ {
		if s[i] != ')' {
			continue
		}
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
	for _, e := range []string{`\28`, `\29`, `\2a`, `\00`, `\26`, `\7c`} {
		if strings.Contains(s, e) && valueLike(s) && len(s) < 40 {
			h.see(0.75, "LDAP escape "+e+" in a value")
		}
	}
	return h.score, h.detail
}

// FuzzLDAPMatchesReference holds detectLDAP to its byte-at-a-time form.
func FuzzLDAPMatchesReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"*)(uid=*))(|(uid=*", "admin)(&)", ") (|(a=b)", "x\\2a", "a)",
		")(", "=*)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := prepare(s)
		for _, c := range []Context{Chat, Strict} {
			score, detail := detectLDAP(in, c)
			if ws, wd := refDetectLDAP(in, c); score != ws || detail != wd {
				t.Fatalf("detectLDAP(%q) = %v %q, want %v %q", s, score, detail, ws, wd)
			}
		}
	})
}
