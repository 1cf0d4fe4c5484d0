package validate

import (
	"strings"
	"testing"
)

// The plain forms below are the definitions the fast ones in traversal.go
// must agree with.

func refPathForm(s string) string {
	if !strings.ContainsAny(s, "\\") && !strings.Contains(s, "//") && !strings.Contains(s, "0x") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '0' && i+3 < len(s) && s[i+1] == 'x' {
			switch s[i+2 : i+4] {
			case "2e":
				c = '.'
				i += 3
			case "2f", "5c":
				c = '/'
				i += 3
			}
		}
		if c == '\\' {
			c = '/'
		}
		if c == '/' && len(b) > 0 && b[len(b)-1] == '/' {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

func refCountClimbs(s string) (climbs, first int) {
	first = -1
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != '.' {
			continue
		}
		j := i + 2
		for j < len(s) && (s[j] == '.' || s[j] == ';') {
			j++ // ..., ..;/
		}
		if j < len(s) && (s[j] == '/' || s[j] == '\\') && (i == 0 || !isWordByte(s[i-1])) {
			climbs++
			if first < 0 {
				first = i
			}
		}
		i = j - 1
	}
	return climbs, first
}

func refFirstTarget(region string) string {
	for _, f := range sensitiveFiles {
		if strings.Contains(region, f) {
			return f
		}
	}
	return ""
}

// FuzzTraversalMatchesReference holds the traversal target search to its
// byte-at-a-time form.
func FuzzTraversalMatchesReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"..\\..\\windows\\win.ini", "0x2e0x2e0x2f", "a//b\\\\c/", "0", "0x",
		"0x5", "...;/etc/passwdetc/", "xx..", "a..b../", "/c:/boot.ini"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := pathForm(s), refPathForm(s); got != want {
			t.Fatalf("pathForm(%q) = %q, want %q", s, got, want)
		}
		n, first, _ := countClimbs(s)
		if wn, wfirst := refCountClimbs(s); n != wn || first != wfirst {
			t.Fatalf("countClimbs(%q) = %d, %d, want %d, %d", s, n, first, wn, wfirst)
		}
		if got, want := firstTarget(s), refFirstTarget(s); got != want || firstTarget([]byte(s)) != want {
			t.Fatalf("firstTarget(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestClimbRun(t *testing.T) {
	for _, tc := range []struct {
		in           string
		climbs, most int
	}{
		{"../../../etc/passwd", 3, 3},
		{"../a ../b ../c", 3, 1}, // three paths of one climb each
		{"see ../x and ../../../y", 4, 3},
		{"no climb", 0, 0},
	} {
		n, _, run := countClimbs(tc.in)
		if n != tc.climbs || run.climbs != tc.most {
			t.Errorf("countClimbs(%q) = %d climbs, %d in one path; want %d, %d",
				tc.in, n, run.climbs, tc.climbs, tc.most)
		}
	}
}
