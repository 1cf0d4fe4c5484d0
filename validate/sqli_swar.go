package validate

import "math/bits"

// swarIn returns x with the high bit of each byte set where that byte lies
// in lo..hi (ASCII bounds, lo > 0). The high bits are cleared before the
// sums so that no byte carries into the next one.
func swarIn(x uint64, lo, hi byte) uint64 {
	a := x &^ lanes80
	in := (a + lanes01*uint64(0x80-lo)) &^ (a + lanes01*uint64(0x7f-hi))
	return in &^ x & lanes80
}

// wordEnd returns the end of the word token that starts at s[k], as
// [nextSQLTok] reads it, and whether it is plain: lower-case letters,
// digits and _ only after its first byte. Letters are skipped eight bytes
// at a time (a loop with a branch per byte mispredicts at the end of every
// word of prose), the rest is read byte by byte.
func wordEnd(s string, k int) (e int, plain bool) {
	for e = k + 1; e+8 <= len(s); e += 8 {
		if other := ^swarIn(eightAt(s, e), 'a', 'z') & lanes80; other != 0 {
			e += bits.TrailingZeros64(other) / 8
			break
		}
	}
	for e < len(s) && isWordByte(s[e]) && !isUpper(s[e]) {
		e++
	}
	if e == len(s) || sqlByteClass[s[e]]&sqlWordPart == 0 {
		return e, true
	}
	for e < len(s) && sqlByteClass[s[e]]&sqlWordPart != 0 {
		e++ // . @ $ and capitals
	}
	return e, false
}
