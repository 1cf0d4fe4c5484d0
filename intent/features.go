package intent

// Bits is log2 of the number of hashed feature buckets.
const Bits = 18

const bucketMask = 1<<Bits - 1

// Hash seeds keep the feature families apart in the shared buckets.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
	seedWord  = 0x9e3779b9
	seedPair  = 0x85ebca6b
	seedChar  = 0xc2b2ae35
)

// features appends to dst the hashed buckets of a normalised text: words,
// word pairs and character 3-, 4- and 5-grams (bytes, so CJK text yields
// one- and two-character grams). Counts repeat; the caller scales by the
// square root of the total so long and short texts weigh alike.
func features(dst []uint32, s string) []uint32 {
	var prev uint32
	havePrev := false
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isWordByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			h := hashBytes(s[start:i])
			dst = append(dst, (h^seedWord)*fnvPrime&bucketMask)
			if havePrev {
				dst = append(dst, ((prev*31+h)^seedPair)*fnvPrime&bucketMask)
			}
			prev, havePrev = h, true
			start = -1
		}
	}
	for i := 0; i+3 <= len(s); i++ {
		h := uint32(fnvOffset ^ seedChar)
		for k := 0; k < 5 && i+k < len(s); k++ {
			h = (h ^ uint32(s[i+k])) * fnvPrime
			if k >= 2 {
				dst = append(dst, (h^uint32(k))*fnvPrime&bucketMask)
			}
		}
	}
	return dst
}

// isWordByte reports letters, digits and any byte of a multi-byte rune.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 || c == '\''
}

func hashBytes(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// windowSize is the largest span, in bytes of normalised text, that the
// model scores at once. Longer texts are cut into consecutive windows at
// spaces, each window is scored, and the highest score counts.
const windowSize = 2048

// windows cuts a normalised text into consecutive spans of at most
// windowSize bytes, breaking at a space where one is near. Every byte belongs
// to exactly one window.
func windows(s string) []string {
	if len(s) <= windowSize {
		return []string{s}
	}
	var out []string
	for len(s) > windowSize {
		cut := windowSize
		for j := windowSize; j > windowSize*3/4; j-- {
			if s[j] == ' ' {
				cut = j
				break
			}
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}
