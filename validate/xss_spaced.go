package validate

import "math/bits"

// spacedSet finds short needles written with any white space between their
// bytes (jav	ascript:), as browsers read them. Each needle is looked for
// from its key byte, its first byte that is not a letter and so is rarer in
// text than letters: the match is traced back from there to its start and
// then checked forward, so each candidate costs work bounded by
// 4*len(needle) and a scan of s stays linear. Sets of needles are bit sets,
// bit k standing for needles[k].
type spacedSet struct {
	needles []string
	keys    []int       // keys[k] is the index of the key byte of needles[k]
	byKey   [256]uint32 // the needles keyed on each byte
	// before[c] and after[c] are the needles whose match may have c just
	// before or just after the key byte: white space, the needle's own
	// neighbour of its key, or anything when the key starts or ends it.
	before, after [256]uint32
}

// newSpacedSet returns the set of needles, at most 32.
func newSpacedSet(needles ...string) *spacedSet {
	if len(needles) > 32 {
		panic("validate: more than 32 needles in a spacedSet")
	}
	t := &spacedSet{needles: needles, keys: make([]int, len(needles))}
	for k, n := range needles {
		key, bit := keyIndex(n), uint32(1)<<k
		t.keys[k] = key
		t.byKey[n[key]] |= bit
		for c := range 256 {
			b := byte(c)
			if key == 0 || n[key-1] == b || isSpace(b) {
				t.before[c] |= bit
			}
			if key == len(n)-1 || n[key+1] == b || isSpace(b) {
				t.after[c] |= bit
			}
		}
	}
	return t
}

// keyIndex returns the index of the first byte of needle that is not a
// lower-case letter, or 0 when all are letters.
func keyIndex(needle string) int {
	for k := 0; k < len(needle); k++ {
		if needle[k] < 'a' || needle[k] > 'z' {
			return k
		}
	}
	return 0
}

// keyed reports whether c is the key byte of some needle.
func (t *spacedSet) keyed(c byte) bool { return t.byKey[c] != 0 }

// at returns the needles whose key byte is s[i] and that occur there with
// any white space between their bytes. The bytes beside s[i] rule most
// needles out before any is traced.
func (t *spacedSet) at(s string, i int) uint32 {
	var found uint32
	m := t.byKey[s[i]] & t.before[byteAt(s, i-1)] & t.after[byteAt(s, i+1)]
	for ; m != 0; m &= m - 1 {
		k := bits.TrailingZeros32(m)
		n := t.needles[k]
		if start := spacedStart(s, i, n, t.keys[k]); start >= 0 && spacedAt(s, start, n) {
			found |= 1 << k
		}
	}
	return found
}

// byteAt returns s[i], or 0 (neither white space nor a needle byte) when i
// is outside s.
func byteAt(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

// in reports whether s holds any of the needles.
func (t *spacedSet) in(s string) bool {
	for i := 0; i < len(s); i++ {
		if t.keyed(s[i]) && t.at(s, i) != 0 {
			return true
		}
	}
	return false
}

// spacedStart traces needle[:k] back from s[p] == needle[k], skipping white
// space, and returns where needle[0] would sit, or -1.
func spacedStart(s string, p int, needle string, k int) int {
	j := p - 1
	for n := k - 1; n >= 0; n-- {
		for j >= 0 && p-j < 4*len(needle) && isSpace(s[j]) {
			j--
		}
		if j < 0 || p-j >= 4*len(needle) || s[j] != needle[n] {
			return -1
		}
		j--
	}
	return j + 1
}

// spacedAt reports whether needle, with any white space between its bytes,
// starts at s[i] and ends within 4*len(needle) bytes.
func spacedAt(s string, i int, needle string) bool {
	j, n := i, 0
	for j < len(s) && n < len(needle) && j-i < 4*len(needle) {
		switch {
		case s[j] == needle[n]:
			n++
		case !isSpace(s[j]):
			return false
		}
		j++
	}
	return n == len(needle)
}
