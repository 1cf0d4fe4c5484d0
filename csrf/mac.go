package csrf

import (
	"crypto/sha256"
	"encoding"
	"hash"
	"sync"
)

// macKey computes HMAC-SHA256 (RFC 2104) under one key. Unlike crypto/hmac
// it does not allocate per call: the SHA-256 states after the padded key
// blocks are computed once, and each call restores them into scratch
// hashes taken from a pool, which saves two of the four block compressions
// as well.
type macKey struct {
	inner, outer []byte // marshalled SHA-256 states after ipad and opad
}

// stateHash is a SHA-256 hash whose state can be restored.
type stateHash interface {
	hash.Hash
	encoding.BinaryUnmarshaler
}

type macScratch struct {
	inner, outer stateHash
	msg          [maxInlineMsg]byte
	sum          [sha256.Size]byte
}

// maxInlineMsg is the longest message copied into scratch space; longer
// ones (session ids are far shorter) cost one allocation.
const maxInlineMsg = 128

var scratchPool = sync.Pool{New: func() any {
	return &macScratch{
		inner: sha256.New().(stateHash),
		outer: sha256.New().(stateHash),
	}
}}

func newMACKey(key []byte) macKey {
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	var ipad, opad [sha256.BlockSize]byte
	copy(ipad[:], key)
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	return macKey{inner: state(ipad[:]), outer: state(opad[:])}
}

// state returns the marshalled SHA-256 state after writing block.
func state(block []byte) []byte {
	h := sha256.New()
	h.Write(block)
	st, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("csrf: sha256 state cannot be marshalled: " + err.Error())
	}
	return st
}

// sum returns HMAC-SHA256(key, msg).
func (k *macKey) sum(msg string) [sha256.Size]byte {
	s := scratchPool.Get().(*macScratch)
	defer scratchPool.Put(s)
	s.inner.UnmarshalBinary(k.inner) // cannot fail: the state came from MarshalBinary
	if len(msg) <= maxInlineMsg {
		s.inner.Write(s.msg[:copy(s.msg[:], msg)])
	} else {
		s.inner.Write([]byte(msg))
	}
	s.outer.UnmarshalBinary(k.outer)
	s.outer.Write(s.inner.Sum(s.sum[:0]))
	return [sha256.Size]byte(s.outer.Sum(s.sum[:0]))
}
