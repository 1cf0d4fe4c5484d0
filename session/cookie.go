package session

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// Cookie format, version 1 (all of it base64url without padding):
//
//	version(1) | key id(4) | nonce(24) | XChaCha20-Poly1305(plaintext, ad) | tag(16)
//	plaintext = created(8) | last_seen(8) | len(id)(1) | id | user
//	ad        = version(1) | cookie name
//
// Times are big-endian Unix seconds. The key id, derived from the secret
// with HKDF, picks the ring key to open with, so opening costs one AEAD
// call however long the ring is. The version and the cookie name are
// authenticated, so a value sealed for another cookie or format fails to
// open.
const (
	formatVersion = 1
	maxIDLen      = 64
	// MaxUserLen is the longest user name a session can carry, in bytes.
	MaxUserLen = 128

	nonceAt     = 1 + keyIDLen
	headerLen   = nonceAt + chacha20poly1305.NonceSizeX
	plainFixed  = 8 + 8 + 1
	maxPlainLen = plainFixed + maxIDLen + MaxUserLen
	minRawLen   = headerLen + plainFixed + 1 + chacha20poly1305.Overhead
	maxRawLen   = headerLen + maxPlainLen + chacha20poly1305.Overhead

	// Lengths of the base64url (unpadded) forms of minRawLen and maxRawLen.
	minEncodedLen = (minRawLen*8 + 5) / 6
	maxEncodedLen = (maxRawLen*8 + 5) / 6

	// clockSkew is how far in the future a creation time may lie, for
	// instances whose clocks differ slightly.
	clockSkew = time.Minute
)

var cookieEncoding = base64.RawURLEncoding.Strict()

// Seal encrypts s into a cookie value under the current key. It fails when
// the id is empty or longer than 64 bytes, the user name longer than
// [MaxUserLen], or LastSeen before Created.
func (m *Manager) Seal(s Session) (string, error) {
	switch {
	case s.ID == "" || len(s.ID) > maxIDLen:
		return "", fmt.Errorf("seal session: id is %d bytes, want 1 to %d", len(s.ID), maxIDLen)
	case len(s.User) > MaxUserLen:
		return "", fmt.Errorf("seal session: user name is %d bytes, limit %d",
			len(s.User), MaxUserLen)
	case s.LastSeen.Before(s.Created):
		return "", errors.New("seal session: last seen before created")
	}
	sc := getScratch()
	defer putScratch(sc)
	plain := sc.plain[:]
	binary.BigEndian.PutUint64(plain[0:], uint64(s.Created.Unix()))
	binary.BigEndian.PutUint64(plain[8:], uint64(s.LastSeen.Unix()))
	plain[16] = byte(len(s.ID))
	n := plainFixed + copy(plain[plainFixed:], s.ID)
	n += copy(plain[n:], s.User)

	raw := sc.raw[:]
	raw[0] = formatVersion
	copy(raw[1:nonceAt], m.keys.ids[0][:])
	nonce := raw[nonceAt:headerLen]
	rand.Read(nonce) // never returns an error
	sealed := m.keys.seal[0].Seal(raw[:headerLen], nonce, plain[:n], m.ad)
	cookieEncoding.Encode(sc.enc[:], sealed)
	return string(sc.enc[:cookieEncoding.EncodedLen(len(sealed))]), nil
}

// scratch holds the buffers of one Seal or Open. They come from a pool
// because the AEAD is called through an interface, which would move stack
// buffers to the heap on every call.
type scratch struct {
	raw   [maxRawLen]byte
	plain [maxPlainLen]byte
	enc   [maxEncodedLen]byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch wipes the plaintext, which holds the session id, and returns
// sc to the pool.
func putScratch(sc *scratch) {
	clear(sc.plain[:])
	scratchPool.Put(sc)
}

// Open decodes a cookie value, authenticates it with the ring key its key
// id names, then checks its idle and absolute timeouts. Every failure is an error
// matching [ErrNoSession]; Open does not consult the store.
func (m *Manager) Open(v string) (Session, error) {
	if len(v) < minEncodedLen || len(v) > maxEncodedLen || !isBase64URL(v) {
		return Session{}, errMalformed
	}
	sc := getScratch()
	defer putScratch(sc)
	n := copy(sc.enc[:], v)
	raw := sc.raw[:]
	rn, err := cookieEncoding.Decode(raw, sc.enc[:n])
	if err != nil || rn < minRawLen || raw[0] != formatVersion {
		return Session{}, errMalformed
	}
	id, nonce, sealed := raw[1:nonceAt], raw[nonceAt:headerLen], raw[headerLen:rn]
	var plain []byte
	err = errUnopenable
	for i, aead := range m.keys.seal {
		if string(m.keys.ids[i][:]) != string(id) {
			continue
		}
		if plain, err = aead.Open(sc.plain[:0], nonce, sealed, m.ad); err == nil {
			break
		}
	}
	if err != nil {
		return Session{}, errUnopenable
	}
	return m.decode(plain)
}

// decode parses an authenticated plaintext and applies the timeouts. Sealed
// values come only from Seal, so a bad layout here means a bug or a leaked
// key; it is still refused rather than trusted.
func (m *Manager) decode(plain []byte) (Session, error) {
	if len(plain) < plainFixed+1 {
		return Session{}, errMalformed
	}
	created := int64(binary.BigEndian.Uint64(plain[0:]))
	lastSeen := int64(binary.BigEndian.Uint64(plain[8:]))
	idLen := int(plain[16])
	if idLen == 0 || idLen > maxIDLen || plainFixed+idLen > len(plain) ||
		len(plain)-plainFixed-idLen > MaxUserLen || lastSeen < created {
		return Session{}, errMalformed
	}
	now := m.now().Unix()
	switch {
	case created > now+int64(clockSkew/time.Second):
		return Session{}, errMalformed
	case now-lastSeen > int64(m.idle/time.Second), now-created > int64(m.absolute/time.Second):
		return Session{}, errExpired
	}
	str := string(plain[plainFixed:]) // one allocation for id and user
	return Session{
		ID:       str[:idLen],
		User:     str[idLen:],
		Created:  time.Unix(created, 0).UTC(),
		LastSeen: time.Unix(lastSeen, 0).UTC(),
	}, nil
}

// isBase64URL reports whether v uses only the unpadded base64url alphabet.
// The decoder alone would skip CR and LF.
func isBase64URL(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_') {
			return false
		}
	}
	return true
}
