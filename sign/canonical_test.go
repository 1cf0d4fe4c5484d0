package sign_test

import (
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sign"
)

func TestCanonicalPath(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "/"},
		{"root", "/", "/"},
		{"plain", "/api/v1/run", "/api/v1/run"},
		{"unreserved decoded", "/%7Euser/%41", "/~user/A"},
		{"lowercase hex upcased", "/a%2fb", "/a%2Fb"},
		{"encoded slash kept", "/a%2Fb", "/a%2Fb"},
		{"space", "/a b/%20", "/a%20b/%20"},
		{"plus is literal in paths", "/a+b", "/a%2Bb"},
		{"lone percent", "/100%", "/100%25"},
		{"bad escape", "/%zz", "/%25zz"},
		{"utf-8", "/caf\u00e9", "/caf%C3%A9"},
		{"double slash kept", "//a//", "//a//"},
		{"sub-delims encoded", "/a;b=c", "/a%3Bb%3Dc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sign.CanonicalPath(tt.in); got != tt.want {
				t.Fatalf("CanonicalPath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"sorted by key", "b=2&a=1", "a=1&b=2"},
		{"then by value", "a=2&a=10&a=1", "a=1&a=10&a=2"},
		{"plus is space", "q=a+b", "q=a%20b"},
		{"encoded plus", "q=a%2Bb", "q=a%2Bb"},
		{"no equals", "flag&a=1", "a=1&flag="},
		{"empty parts dropped", "&&a=1&", "a=1"},
		{"equals in value", "a=b=c", "a=b%3Dc"},
		{"empty key", "=v", "=v"},
		{"unreserved decoded", "%61=%7E", "a=~"},
		{"reserved encoded", "k=a/b?c", "k=a%2Fb%3Fc"},
		{"semicolon is not a separator", "a=1;b=2", "a=1%3Bb%3D2"},
		{"encoded key sorts", "%C3%A9=1&z=2", "%C3%A9=1&z=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sign.CanonicalQuery(tt.in); got != tt.want {
				t.Fatalf("CanonicalQuery(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzCanonical checks that the canonical forms are fixed points and use
// only unreserved bytes, "%" escapes and their separators.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"", "/a%2Fb", "b=2&a=1", "q=a+b&%zz=%", "/caf\u00e9?x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := sign.CanonicalPath(s)
		if again := sign.CanonicalPath(p); again != p {
			t.Fatalf("CanonicalPath not idempotent: %q → %q → %q", s, p, again)
		}
		q := sign.CanonicalQuery(s)
		if again := sign.CanonicalQuery(q); again != q {
			t.Fatalf("CanonicalQuery not idempotent: %q → %q → %q", s, q, again)
		}
		const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"
		if !onlyBytes(p, allowed+"/") || !onlyBytes(q, allowed+"=&") {
			t.Fatalf("unexpected bytes: path %q query %q", p, q)
		}
	})
}

func onlyBytes(s, set string) bool {
	for i := range len(s) {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}
