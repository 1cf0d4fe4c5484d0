package session_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/session"
)

func TestNewKeyring(t *testing.T) {
	tests := []struct {
		name     string
		current  []byte
		previous [][]byte
		wantLen  int
		wantErr  string
	}{
		{"current only", keyA, nil, 1, ""},
		{"with previous", keyA, [][]byte{keyB, keyC}, 3, ""},
		{"empty previous skipped", keyA, [][]byte{nil, {}}, 1, ""},
		{"repeated keys kept once", keyA, [][]byte{keyA, keyB, keyB}, 2, ""},
		{"empty current", nil, [][]byte{keyB}, 0, "current key is empty"},
		{"short current", []byte("short"), nil, 0, "key 0 is 5 bytes"},
		{"short previous", keyA, [][]byte{keyB, []byte("tiny")}, 0, "key 2 is 4 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := session.NewKeyring(tt.current, tt.previous...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewKeyring error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewKeyring: %v", err)
			}
			if k.Len() != tt.wantLen {
				t.Errorf("Len = %d, want %d", k.Len(), tt.wantLen)
			}
		})
	}
}

func TestKeyringFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantLen int
		wantErr bool
	}{
		{"unset", map[string]string{}, 0, true},
		{"current only", map[string]string{"SESSION_SECRET_KEY": string(keyA)}, 1, false},
		{"one previous", map[string]string{
			"SESSION_SECRET_KEY":          string(keyA),
			"SESSION_SECRET_KEY_PREVIOUS": string(keyB),
		}, 2, false},
		{"list of previous", map[string]string{
			"SESSION_SECRET_KEY":          string(keyA),
			"SESSION_SECRET_KEY_PREVIOUS": " " + string(keyB) + ", " + string(keyC) + "\n",
		}, 3, false},
		{"short previous", map[string]string{
			"SESSION_SECRET_KEY":          string(keyA),
			"SESSION_SECRET_KEY_PREVIOUS": "short",
		}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := session.KeyringFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr {
				if err == nil {
					t.Fatal("KeyringFromEnv succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Len() != tt.wantLen {
				t.Errorf("Len = %d, want %d", k.Len(), tt.wantLen)
			}
		})
	}
}

func TestCSRFKeys(t *testing.T) {
	k := mustKeyring(t, keyA, keyB)
	keys := k.CSRFKeys()
	if len(keys) != 2 {
		t.Fatalf("CSRFKeys gave %d keys, want 2", len(keys))
	}
	for i, key := range keys {
		if len(key) != 32 {
			t.Errorf("key %d is %d bytes, want 32", i, len(key))
		}
		if bytes.Equal(key, keyA) || bytes.Equal(key, keyB) {
			t.Errorf("key %d is the raw secret, not a derived subkey", i)
		}
	}
	if bytes.Equal(keys[0], keys[1]) {
		t.Error("current and previous secrets derive the same CSRF key")
	}
	if again := mustKeyring(t, keyA).CSRFKeys()[0]; !bytes.Equal(again, keys[0]) {
		t.Error("derivation is not deterministic: restarts would void every token")
	}
	keys[0][0] ^= 0xff
	if bytes.Equal(k.CSRFKeys()[0], keys[0]) {
		t.Error("CSRFKeys returned the ring's own slices; callers can change the ring")
	}
}
