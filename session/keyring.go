package session

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// MinKeyLen is the shortest secret [NewKeyring] accepts, in bytes.
const MinKeyLen = 32

// HKDF labels. Each subkey has its own label, so the sealing key and the
// CSRF key are independent even though they come from one secret.
const (
	hkdfSalt      = "bulwark session keyring"
	hkdfInfoSeal  = "bulwark/session/seal/v1"
	hkdfInfoCSRF  = "bulwark/csrf/token/v1"
	hkdfInfoKeyID = "bulwark/session/key-id/v1"
	keyIDLen      = 4
	subkeyLen     = 32
	envCurrentKey = "SESSION_SECRET_KEY"
	envPrevKeys   = "SESSION_SECRET_KEY_PREVIOUS"
)

// A Keyring holds the secrets that seal session cookies and sign CSRF
// tokens. The first key seals and signs; the others only open and verify,
// so a secret can be rotated without logging everyone out: make the new
// secret current, keep the old one as previous until the longest session
// lifetime has passed, then drop it.
//
// A Keyring is immutable and safe for concurrent use.
type Keyring struct {
	seal []cipher.AEAD    // current first
	ids  [][keyIDLen]byte // names seal[i] in cookies
	csrf [][]byte         // current first
}

// NewKeyring derives the subkeys of current and of every previous secret
// with HKDF-SHA256. Each secret must hold at least [MinKeyLen] bytes; empty
// previous secrets are skipped and repeated ones are kept once, so an unset
// environment variable can be passed as is.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	if len(current) == 0 {
		return nil, errors.New("new keyring: current key is empty")
	}
	k := &Keyring{}
	seen := make(map[string]bool)
	for i, secret := range append([][]byte{current}, previous...) {
		if len(secret) == 0 || seen[string(secret)] {
			continue
		}
		seen[string(secret)] = true
		if len(secret) < MinKeyLen {
			return nil, fmt.Errorf("new keyring: key %d is %d bytes, need at least %d",
				i, len(secret), MinKeyLen)
		}
		if err := k.add(secret); err != nil {
			return nil, fmt.Errorf("new keyring: key %d: %w", i, err)
		}
	}
	return k, nil
}

// KeyringFromEnv builds a [Keyring] from SESSION_SECRET_KEY (current) and
// SESSION_SECRET_KEY_PREVIOUS (a list separated by commas or white space),
// read through getenv, typically [os.Getenv]. Secrets are used as the raw
// bytes of the variables.
func KeyringFromEnv(getenv func(string) string) (*Keyring, error) {
	current := getenv(envCurrentKey)
	if current == "" {
		return nil, errors.New("new keyring: " + envCurrentKey + " is not set")
	}
	var previous [][]byte
	fields := strings.FieldsFunc(getenv(envPrevKeys), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	for _, f := range fields {
		previous = append(previous, []byte(f))
	}
	return NewKeyring([]byte(current), previous...)
}

func (k *Keyring) add(secret []byte) error {
	sealKey, err := hkdf.Key(sha256.New, secret, []byte(hkdfSalt), hkdfInfoSeal, subkeyLen)
	if err != nil {
		return fmt.Errorf("derive seal key: %w", err)
	}
	csrfKey, err := hkdf.Key(sha256.New, secret, []byte(hkdfSalt), hkdfInfoCSRF, subkeyLen)
	if err != nil {
		return fmt.Errorf("derive csrf key: %w", err)
	}
	id, err := hkdf.Key(sha256.New, secret, []byte(hkdfSalt), hkdfInfoKeyID, keyIDLen)
	if err != nil {
		return fmt.Errorf("derive key id: %w", err)
	}
	aead, err := chacha20poly1305.NewX(sealKey)
	if err != nil {
		return fmt.Errorf("create aead: %w", err)
	}
	k.seal = append(k.seal, aead)
	k.ids = append(k.ids, [keyIDLen]byte(id))
	k.csrf = append(k.csrf, csrfKey)
	return nil
}

// Len reports how many distinct secrets the ring holds.
func (k *Keyring) Len() int { return len(k.seal) }

// CSRFKeys returns copies of the CSRF subkeys, current first, for
// [github.com/bulwarkhq/bulwark/csrf.New].
func (k *Keyring) CSRFKeys() [][]byte {
	keys := make([][]byte, len(k.csrf))
	for i, key := range k.csrf {
		keys[i] = append([]byte(nil), key...)
	}
	return keys
}
