package csrf

import (
	"crypto/sha256"
	"io"
)

// macKey computes HMAC-SHA256 (RFC 2104) under one key. It exists because
// crypto/hmac allocates on every call; with the padded key blocks kept
// here, short messages are hashed from stack buffers.
type macKey struct {
	ipad, opad [sha256.BlockSize]byte
}

// maxInlineMsg is the longest message hashed without allocating. Session
// ids are far shorter.
const maxInlineMsg = 128

func newMACKey(key []byte) macKey {
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	var k macKey
	copy(k.ipad[:], key)
	copy(k.opad[:], key)
	for i := range k.ipad {
		k.ipad[i] ^= 0x36
		k.opad[i] ^= 0x5c
	}
	return k
}

// sum returns HMAC-SHA256(key, msg).
func (k *macKey) sum(msg string) [sha256.Size]byte {
	var inner [sha256.Size]byte
	if len(msg) <= maxInlineMsg {
		var buf [sha256.BlockSize + maxInlineMsg]byte
		copy(buf[:], k.ipad[:])
		n := copy(buf[sha256.BlockSize:], msg)
		inner = sha256.Sum256(buf[:sha256.BlockSize+n])
	} else {
		h := sha256.New()
		h.Write(k.ipad[:])
		io.WriteString(h, msg)
		h.Sum(inner[:0])
	}
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], k.opad[:])
	copy(outer[sha256.BlockSize:], inner[:])
	return sha256.Sum256(outer[:])
}
