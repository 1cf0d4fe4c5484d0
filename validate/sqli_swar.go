package validate

import "math/bits"

// Eight copies of a byte value, and the high bit of each byte.
const (
	swarOnes uint64 = 0x0101010101010101
	swarHigh uint64 = 0x8080808080808080
)

// swarIn returns x with the high bit of each byte set where that byte lies
// in lo..hi (ASCII bounds, lo > 0). The high bits are cleared before the
// sums so that no byte carries into the next one.
func swarIn(x uint64, lo, hi byte) uint64 {
	a := x &^ swarHigh
	in := (a + swarOnes*uint64(0x80-lo)) &^ (a + swarOnes*uint64(0x7f-hi))
	return in &^ x & swarHigh
}

// lowerWordRun returns how many bytes from s[i] on are lower-case letters,
// digits or _, reading eight bytes at a time: a loop with a branch per byte
// mispredicts at the end of every word of prose.
func lowerWordRun(s string, i int) int {
	n := 0
	for ; i+n+8 <= len(s); n += 8 {
		b := s[i+n : i+n+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		word := swarIn(x, 'a', 'z') | swarIn(x, '0', '9') | swarIn(x, '_', '_')
		if other := ^word & swarHigh; other != 0 {
			return n + bits.TrailingZeros64(other)/8
		}
	}
	for i+n < len(s) && isWordByte(s[i+n]) && !isUpper(s[i+n]) {
		n++
	}
	return n
}
