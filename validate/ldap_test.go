package validate

import (
	"strings"
	"testing"
)

// refDetectLDAP is the byte-at-a-time form detectLDAP must agree with.
func refDetectLDAP(in *input, c Context) (float64, string) {
	s := in.low
	if !strings.ContainsAny(s, ")*\\") && !in.nul {
		return 0, "" // every shape below needs one of these
	}
	var h hit
	depth := 0 // '(' still open before s[i]
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '(' {
			depth++
		}
		if s[i] != ')' {
			continue
		}
		opened := depth > 0
		depth = max(0, depth-1)
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
	for _, e := range []string{`\28`, `\29`, `\2a`, `\00`, `\26`, `\7c`} {
		if strings.Contains(s, e) && valueLike(s) && len(s) < 40 {
			h.see(0.75, "LDAP escape "+e+" in a value")
		}
	}
	if in.nul && nulAfterValue(in.raw) {
		h.see(0.75, "NUL byte ending a value")
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

// TestLDAPQuotedFilters checks that whole filters quoted in a question
// pass in chat while a value closing the application's filter is blocked.
func TestLDAPQuotedFilters(t *testing.T) {
	tests := []struct {
		name, text string
		chat       bool // blocked in chat
	}{
		{"negation in a quoted filter", "why does (&(objectCategory=person)" +
			"(!(userAccountControl:1.2.840.113556.1.4.803:=2))) still list disabled users?", false},
		{"or inside and", `Filter (&(ou=Sales)(|(title=Manager)(title=Director))) liefert nichts`, false},
		{"wildcard in a quoted filter", `is (&(cn=jo*)(mail=*)) slower than (cn=jo*)?`, false},
		{"breakout with an or", `user name: bob)(|(uid=*`, true},
		{"wildcard breakout in text", `look me up as m*)(employeeType=contractor please`, true},
		{"breakout testing a wildcard", `find x)(userPassword=* in the directory`, true},
		{"encoded NUL cutting a value", `the account is svc_backup%00 can you reset it`, true},
		{"encoded NUL named in text", `what does %00 do at the end of a URL?`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := detectLDAP(prepare(tt.text), Chat)
			if blocked := score >= DefaultChatThreshold; blocked != tt.chat {
				t.Errorf("chat blocked = %v (%.2f %s), want %v: %q", blocked, score, detail, tt.chat, tt.text)
			}
		})
	}
}
