package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddAndCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "users")
	if err := Add(path, "alice", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, "bob", "battery staple"); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, "alice", "new password"); err != nil { // replace
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("users file mode = %v, want 0600", fi.Mode().Perm())
	}
	u, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if u.Len() != 2 {
		t.Fatalf("Len = %d, want 2", u.Len())
	}
	tests := []struct {
		name, user, pass string
		ok               bool
	}{
		{"right password", "alice", "new password", true},
		{"old password after replace", "alice", "correct horse", false},
		{"other user", "bob", "battery staple", true},
		{"wrong password", "bob", "battery", false},
		{"unknown user", "mallory", "battery staple", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := u.Check(tt.user, tt.pass)
			if tt.ok && err != nil {
				t.Fatalf("Check = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("Check = %v, want ErrBadCredentials", err)
			}
		})
	}
}

func TestAddRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	tests := []struct{ name, user, pass string }{
		{"colon in name", "a:b", "pw"},
		{"space in name", "a b", "pw"},
		{"empty name", "", "pw"},
		{"empty password", "alice", ""},
		{"password over 72 bytes", "alice", strings.Repeat("x", 73)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Add(path, tt.user, tt.pass); err == nil {
				t.Fatal("Add succeeded, want an error")
			}
		})
	}
}

func TestLoadRejectsBadLines(t *testing.T) {
	tests := map[string]string{
		"no colon":      "alice\n",
		"not a hash":    "alice:secret\n",
		"empty name":    ":$2a$10$abcdefghijklmnopqrstuuFjZ0wQ1qmhBfWq3qXy6o0Hq1O7o5Yc2\n",
		"space in name": "a b:$2a$10$abcdefghijklmnopqrstuuFjZ0wQ1qmhBfWq3qXy6o0Hq1O7o5Yc2\n",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "users")
			os.WriteFile(path, []byte(content), 0o600)
			if _, err := Load(path); err == nil {
				t.Fatal("Load succeeded, want an error")
			}
		})
	}
}
