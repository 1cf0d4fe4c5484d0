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

// lowerWordRun returns how many bytes from s[i] on are lower-case letters,
// digits or _, reading eight bytes at a time: a loop with a branch per byte
// mispredicts at the end of every word of prose.
func lowerWordRun(s string, i int) int {
	n := 0
	for ; i+n+8 <= len(s); n += 8 {
		x := eightAt(s, i+n)
		word := swarIn(x, 'a', 'z') | swarIn(x, '0', '9') | swarIn(x, '_', '_')
		if other := ^word & lanes80; other != 0 {
			return n + bits.TrailingZeros64(other)/8
		}
	}
	for i+n < len(s) && isWordByte(s[i+n]) && !isUpper(s[i+n]) {
		n++
	}
	return n
}
