package validate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The byte-at-a-time forms below are the plain definitions the fast ones in
// normalize.go must agree with.

func refPlainEnd(s string, i int) int {
	for i < len(s) && plainByte(s[i]) {
		i++
	}
	return i
}

func refASCIILower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func refSQLForm(s string) string {
	start := refSQLFormStart(s)
	if start == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:start])
	s = s[start:]
	space, unclosed := false, false
	emit := func(c byte) {
		if isSpace(c) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			return
		}
		space = false
		b.WriteByte(c)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i+1 < len(s) && s[i+1] == '*' {
			if i+2 < len(s) && s[i+2] == '!' {
				// MySQL executes the body: drop the marker and the
				// version number and keep the rest.
				i += 3
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
				i--
				emit(' ')
				continue
			}
			end := -1
			if !unclosed {
				end = strings.Index(s[i+2:], "*/")
			}
			if end < 0 {
				// No comment closes after here: later openers are
				// not searched again, which keeps this linear.
				unclosed = true
				i++
				emit(' ')
				continue
			}
			i += end + 3
			emit(' ')
			continue
		}
		if s[i] == '*' && i+1 < len(s) && s[i+1] == '/' {
			i++
			emit(' ')
			continue
		}
		emit(s[i])
	}
	return b.String()
}

func refSQLFormStart(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c == '/' || c == '*') && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '/'):
			return i
		case c == ' ' && i+1 < len(s) && isSpace(s[i+1]):
			return i
		case c != ' ' && isSpace(c):
			return i
		}
	}
	return len(s)
}

func refDecodePass(s string) (out string, nul bool) {
	if refPlainEnd(s, 0) == len(s) {
		return s, false
	}
	var b []byte // nil until the first change
	for i := 0; i < len(s); {
		if c := s[i]; plainByte(c) {
			// Fast path: ordinary ASCII stands for itself.
			j := i + 1
			for j < len(s) && plainByte(s[j]) {
				j++
			}
			if b != nil {
				b = append(b, s[i:j]...)
			}
			i = j
			continue
		}
		r, n := decodeAt(s, i)
		var keep bool // the bytes s[i:i+n] stand for themselves
		switch {
		case r == utf8.RuneError && n == 1:
			keep = true
		case r == 0:
			nul = true
		case dropRune(r):
		default:
			f := foldRune(r)
			keep = f == r && (n == 1 || n == utf8.RuneLen(r) && s[i] >= utf8.RuneSelf)
			if !keep {
				if b == nil {
					b = make([]byte, 0, len(s))
					b = append(b, s[:i]...)
				}
				b = utf8.AppendRune(b, f)
				i += n
				continue
			}
		}
		if keep {
			if b != nil {
				b = append(b, s[i:i+n]...)
			}
		} else if b == nil {
			b = make([]byte, 0, len(s))
			b = append(b, s[:i]...)
		}
		i += n
	}
	if b == nil {
		return s, nul
	}
	return string(b), nul
}

// FuzzFormsMatchReference holds the fast normalisation passes to their
// byte-at-a-time forms.
func FuzzFormsMatchReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"a ** /*x*/b", "a /**/b", "a\t \nb", " \r", "x  /*! 5 */ y", "A//B",
		chatText(1000), strings.Repeat("AbC\xc3\x89Z[@`{\xc1\x81", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := range min(len(s), 9) {
			if got, want := plainEnd(s, i), refPlainEnd(s, i); got != want {
				t.Fatalf("plainEnd(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
		got, gotNul := decodePass(s)
		if want, wantNul := refDecodePass(s); got != want || gotNul != wantNul {
			t.Fatalf("decodePass(%q) = %q, %v, want %q, %v", s, got, gotNul, want, wantNul)
		}
		if got, want := asciiLower(s), refASCIILower(s); got != want {
			t.Fatalf("asciiLower(%q) = %q, want %q", s, got, want)
		}
		if got, want := sqlForm(s), refSQLForm(s); got != want {
			t.Fatalf("sqlForm(%q) = %q, want %q", s, got, want)
		}
		if got, want := sqlFormStart(s), refSQLFormStart(s); got != want {
			t.Fatalf("sqlFormStart(%q) = %d, want %d", s, got, want)
		}
	})
}

func TestMarkControls(t *testing.T) {
	tests := []struct {
		name string
		text string
		dec  string // the detectors' reading: controls dropped
		ctl  string // the control reading
	}{
		{"none", "select a", "select a", ""},
		{"raw nul", "a\x00b", "ab", "a\x00b"},
		{"encoded nul", "a%00b", "ab", "a\x00b"},
		{"twice encoded", "a%2500b", "ab", "a\x00b"},
		{"entity", "a&#1;b", "ab", "a\x00b"},
		{"other control and case", "A\x01B\x7fC", "ABC", "a\x00b\x00c"},
		{"white space stays", "a\tb\x0bc", "a\tb\x0bc", ""},
		{"zero width is no control", "a\u200bb", "ab", ""},
		{"drop joins an escape", "%4\x001", "A", "%4\x001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := prepare(tt.text)
			if in.dec != tt.dec || in.ctl != tt.ctl {
				t.Errorf("prepare(%q): dec %q, ctl %q; want %q, %q", tt.text, in.dec, in.ctl, tt.dec, tt.ctl)
			}
		})
	}
}

// TestMarkControlsBounded checks that the control reading stops at
// maxControlScan bytes of a long text.
func TestMarkControlsBounded(t *testing.T) {
	text := strings.Repeat("a\x00", maxControlScan)
	if in := prepare(text); len(in.ctl) != maxControlScan {
		t.Errorf("control reading of %d bytes holds %d, want %d", len(text), len(in.ctl), maxControlScan)
	}
}
