package auth

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// FuzzParse reads any users file: an error or users whose names are valid
// and whose hashes are bcrypt hashes, and what write makes of them parses
// back to the same users.
func FuzzParse(f *testing.F) {
	const hash = "$2a$04$9ZlQ5I0lYm0n1Wm0dY9lEuIfCxg0zVQ6qg5C1b4c3h1fJmH4r8a9K"
	for _, s := range []string{
		"alice:" + hash + "\n",
		"# comment\n\n  bob:" + hash + "  \r\n",
		"a:b\n", ":" + hash, "c d:" + hash, "x:" + hash + ":extra",
		"dup:" + hash + "\ndup:" + hash + "\n",
		strings.Repeat("n", 70000) + ":" + hash,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		hashes, err := parse(b)
		if err != nil {
			return
		}
		for name, h := range hashes {
			if err := ValidName(name); err != nil {
				t.Fatalf("parsed invalid name %q: %v", name, err)
			}
			if _, err := bcrypt.Cost(h); err != nil {
				t.Fatalf("user %q: parsed a hash that is not bcrypt: %v", name, err)
			}
		}
		path := filepath.Join(dir, "users")
		if err := write(path, hashes); err != nil {
			t.Fatal(err)
		}
		written, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parse(written) // not Load: its dummy hash costs 100 ms a call
		if err != nil {
			t.Fatalf("written users file does not parse: %v", err)
		}
		if !maps.EqualFunc(hashes, again, slices.Equal) {
			t.Fatalf("round trip changed the users: %q, then %q", hashes, again)
		}
	})
}
