package validate

// spacedSet finds short needles written with any white space between their
// bytes (jav	ascript:), as browsers read them. Each needle is looked for
// from its key byte, its first byte that is not a letter and so is rarer in
// text than letters: the match is traced back from there to its start and
// then checked forward, so each candidate costs work bounded by
// 4*len(needle) and a scan of s stays linear.
type spacedSet struct {
	needles []string
	keys    []int      // keys[k] is the index of the key byte of needles[k]
	byKey   [256][]int // the needles keyed on each byte, in order
}

// newSpacedSet returns the set of needles; at reports them as bits of a
// uint32, so there are at most 32.
func newSpacedSet(needles ...string) *spacedSet {
	if len(needles) > 32 {
		panic("validate: more than 32 needles in a spacedSet")
	}
	t := &spacedSet{needles: needles, keys: make([]int, len(needles))}
	for k, n := range needles {
		t.keys[k] = keyIndex(n)
		c := n[t.keys[k]]
		t.byKey[c] = append(t.byKey[c], k)
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
func (t *spacedSet) keyed(c byte) bool { return len(t.byKey[c]) > 0 }

// at returns the needles whose key byte is s[i] and that occur there with
// any white space between their bytes: bit k stands for needles[k].
func (t *spacedSet) at(s string, i int) uint32 {
	var found uint32
	for _, k := range t.byKey[s[i]] {
		n := t.needles[k]
		if start := spacedStart(s, i, n, t.keys[k]); start >= 0 && spacedAt(s, start, n) {
			found |= 1 << k
		}
	}
	return found
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
