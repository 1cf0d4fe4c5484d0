// Package auth keeps the users file and checks passwords.
//
// The users file holds one user per line, "name:hash", where hash is a bcrypt
// hash. Blank lines and lines starting with # are ignored. Checking a
// password takes the same time whether or not the user exists, so the answer
// does not tell an attacker which names are real.
package auth

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Cost is the bcrypt cost of new hashes.
const Cost = 11

// MaxPasswordLen is the longest password accepted. bcrypt reads at most 72
// bytes; longer passwords are refused rather than silently cut.
const MaxPasswordLen = 72

// ErrBadCredentials is returned by [Users.Check] for an unknown user or a
// wrong password; the two are deliberately not told apart.
var ErrBadCredentials = errors.New("invalid username or password")

// Users is a set of users read from a users file. It is safe for concurrent
// use.
type Users struct {
	mu     sync.RWMutex
	hashes map[string][]byte
	dummy  []byte // hashed for unknown users, so timing does not reveal them
}

// Load reads a users file.
func Load(path string) (*Users, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read users file: %w", err)
	}
	hashes, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("read users file %s: %w", path, err)
	}
	return newUsers(hashes)
}

func newUsers(hashes map[string][]byte) (*Users, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte("bulwark-dummy-password"), Cost)
	if err != nil {
		return nil, fmt.Errorf("hash dummy password: %w", err)
	}
	return &Users{hashes: hashes, dummy: dummy}, nil
}

func parse(b []byte) (map[string][]byte, error) {
	hashes := map[string][]byte{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || ValidName(name) != nil {
			return nil, fmt.Errorf("line %d: want name:bcrypt-hash", n)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("line %d: user %q: not a bcrypt hash", n, name)
		}
		hashes[name] = []byte(hash)
	}
	return hashes, sc.Err()
}

// Check verifies a password. It returns [ErrBadCredentials] for an unknown
// user or a wrong password, after the same amount of work in both cases.
func (u *Users) Check(name, password string) error {
	u.mu.RLock()
	hash, ok := u.hashes[name]
	u.mu.RUnlock()
	if !ok {
		hash = u.dummy
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	// The bcrypt comparison above is the costly part and runs in both cases.
	if ok && err == nil {
		return nil
	}
	return ErrBadCredentials
}

// Len returns the number of users.
func (u *Users) Len() int {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return len(u.hashes)
}

// ValidName reports whether name can be a user name: 1 to 64 characters,
// none of them a colon, white space or a control character.
func ValidName(name string) error {
	if name == "" || len(name) > 64 {
		return errors.New("user name must be 1 to 64 characters")
	}
	for _, r := range name {
		if r == ':' || r <= ' ' || r == 0x7f {
			return fmt.Errorf("user name %q has a colon, space or control character", name)
		}
	}
	return nil
}

// Add adds name with password to the users file at path, replacing the user
// if it exists and creating the file (mode 0600) if it does not. The file is
// replaced atomically.
func Add(path, name, password string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if password == "" {
		return errors.New("password is empty")
	}
	if len(password) > MaxPasswordLen {
		return fmt.Errorf("password is longer than %d bytes", MaxPasswordLen)
	}
	hashes := map[string][]byte{}
	if b, err := os.ReadFile(path); err == nil {
		if hashes, err = parse(b); err != nil {
			return fmt.Errorf("read users file %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read users file: %w", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), Cost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	hashes[name] = hash
	return write(path, hashes)
}

func write(path string, hashes map[string][]byte) error {
	names := make([]string, 0, len(hashes))
	for n := range hashes {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	buf.WriteString("# bulwark users: name:bcrypt-hash. Edit with 'bulwark user add'.\n")
	for _, n := range names {
		fmt.Fprintf(&buf, "%s:%s\n", n, hashes[n])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create users file directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".users-*")
	if err != nil {
		return fmt.Errorf("write users file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write users file: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write users file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write users file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write users file: %w", err)
	}
	return nil
}
