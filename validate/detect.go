package validate

import (
	"strings"

	"github.com/bulwarkhq/bulwark/scan"
)

// detector is one kind's scoring function. fn returns a score in 0..1 and a
// short explanation of what matched (empty when the score is 0).
type detector struct {
	kind scan.Kind
	idx  int // index of kind in scan.InputKinds
	fn   func(in *input, c Context) (float64, string)
}

// detectors returns the detector set in the order of [scan.InputKinds],
// which is the order findings are reported in.
func detectors() []detector {
	fns := []func(*input, Context) (float64, string){
		detectSQLi, detectXSS, detectNoSQLi, detectCmdI, detectTraversal,
		detectSSTI, detectCRLF, detectLDAP, detectXPath,
	}
	ds := make([]detector, len(fns))
	for i, fn := range fns {
		ds[i] = detector{kind: scan.InputKinds[i], idx: i, fn: fn}
	}
	return ds
}

// hit is a running best score and its explanation.
type hit struct {
	score  float64
	detail string
}

// see keeps the higher of h and (score, detail); an empty detail means
// nothing matched.
func (h *hit) see(score float64, detail string) {
	if detail != "" && score > h.score {
		h.score, h.detail = score, detail
	}
}

// beats reports whether score would raise h; callers check it before
// building an explanation string, so misses cost no allocation.
func (h *hit) beats(score float64) bool { return score > h.score }

// valueLike reports whether prefix looks like a value an attacker typed
// before breaking out (an ID, a user name, a number, nothing at all) rather
// than the start of a sentence: short and without inner spaces.
func valueLike(prefix string) bool {
	n := 0
	for i := len(prefix) - 1; i >= 0; i-- {
		c := prefix[i]
		if c == ' ' && n == 0 {
			continue // spaces just before the breakout
		}
		if c == ' ' || c == '\n' || c == '\t' {
			// Leading white space is fine; an inner space is not.
			return strings.TrimLeft(prefix[:i], " \n\t") == ""
		}
		n++
		if n > 32 {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool { return isAlpha(c) || isDigit(c) || c == '_' }

// wordAt returns the run of word bytes at s[i:].
func wordAt(s string, i int) string {
	j := i
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	return s[i:j]
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// snippet returns at most 40 bytes of s around i, for explanations.
func snippet(s string, i int) string {
	lo, hi := max(0, i-8), min(len(s), i+32)
	return s[lo:hi]
}

// indexBefore returns the index of the first word+sep in s (data:,
// file://), found from the occurrences of sep, which are much rarer in
// text than the word's first letter; -1 when there is none.
func indexBefore(s, word, sep string) int {
	for i := 0; i < len(s); i++ {
		k := strings.Index(s[i:], sep)
		if k < 0 {
			return -1
		}
		i += k
		if i >= len(word) && s[i-len(word):i] == word {
			return i - len(word)
		}
	}
	return -1
}
