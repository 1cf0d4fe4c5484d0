package validate

import (
	"slices"
	"strings"
	"testing"
)

// scanFor returns the indexes of the bytes of s that are in bits, found
// the slow way.
func scanFor(s string, bits triggerSet) []int {
	var at []int
	for i := 0; i < len(s); i++ {
		if shellTriggerBit[s[i]]&bits != 0 {
			at = append(at, i)
		}
	}
	return at
}

// checkShellView fails t unless the view of text lists the positions a
// scan of its shell form finds and its trigger set holds every byte of it.
func checkShellView(t *testing.T, text string) {
	var v shellView
	v.read(asciiLower(text))
	if got := triggersOf(v.s); got&^v.seen != 0 {
		t.Fatalf("%q: seen %b misses bytes of %b", text, v.seen, got)
	}
	for list, bits := range listBytes {
		var got []int
		c := v.cursor(list)
		for i := c.next(0); i < len(v.s); i = c.next(i + 1) {
			got = append(got, i)
		}
		if want := scanFor(v.s, bits); !slices.Equal(got, want) {
			t.Fatalf("%q: list %d is %v, a scan finds %v", text, list, got, want)
		}
	}
}

func TestShellView(t *testing.T) {
	for _, s := range []string{"", "a;b", "c'a't;id", "x${IFS}|y", "$@-c /dev/tcp/",
		"c\\at /etc/passwd;ls|sh", "subprocess.call(['id'])", strings.Repeat("a;b|c.", 40),
		strings.Repeat("'$()'", 30) + ";id", chatText(1 << 10)} {
		checkShellView(t, s)
	}
}

func FuzzShellView(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(checkShellView)
}
