package validate

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// TestValueEnd checks valueEnd against its definition on every short
// string of a few telling bytes and on random longer ones.
func TestValueEnd(t *testing.T) {
	want := func(s string) int {
		return sort.Search(len(s)+1, func(i int) bool { return !valueLike(s[:i]) })
	}
	check := func(s string) {
		if got, w := valueEnd(s), want(s); got != w {
			t.Fatalf("valueEnd(%q) = %d, want %d", s, got, w)
		}
	}
	const alphabet = " \n\ta\r'"
	var walk func(s string)
	walk = func(s string) {
		check(s)
		if len(s) < 7 {
			for i := range len(alphabet) {
				walk(s + alphabet[i:i+1])
			}
		}
	}
	walk("")
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for n := r.IntN(80); n > 0; n-- {
			if r.IntN(8) == 0 {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteByte('x')
			}
		}
		check(b.String())
	}
}
