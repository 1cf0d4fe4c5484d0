package validate

import "encoding/binary"

// Word-at-a-time case folding: asciiLower reads a text eight bytes at a
// time into a uint64 (first byte lowest) and lowers all eight with a few
// additions and masks instead of eight table loads.

const (
	lanes01 = 0x0101010101010101 // 0x01 in every byte
	lanes80 = 0x8080808080808080 // the high bit of every byte
)

// eightAt returns the eight bytes of s from i as one word.
func eightAt(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// lowerWord returns w with its ASCII capitals in lower case. Adding 0x3f to
// the low seven bits of a byte sets its high bit from 'A' up, adding 0x25
// from 'Z'+1 up; they differ for 'A'..'Z' alone, and neither carries.
func lowerWord(w uint64) uint64 {
	low7 := w &^ lanes80
	upper := ((low7 + lanes01*(0x80-'A')) ^ (low7 + lanes01*(0x7f-'Z'))) &^ w & lanes80
	return w | upper>>2 // 0x80>>2 is the case bit 0x20
}

// putWord stores w in b[0:8] as eightAt reads it.
func putWord(b []byte, w uint64) { binary.LittleEndian.PutUint64(b, w) }
