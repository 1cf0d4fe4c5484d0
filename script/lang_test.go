//go:build linux

package script

import (
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
)

func TestDynStringsMatchesDebugELF(t *testing.T) {
	for _, bin := range []string{"/bin/sh", "/usr/bin/env"} {
		t.Run(bin, func(t *testing.T) {
			f, err := elf.Open(bin)
			if err != nil {
				t.Skipf("no %s to read: %v", bin, err)
			}
			defer f.Close()
			want, err := f.DynString(elf.DT_NEEDED)
			if err != nil {
				t.Fatal(err)
			}
			if got := dynStrings(f)[elf.DT_NEEDED]; !slices.Equal(got, want) {
				t.Errorf("needed %v, want %v", got, want)
			}
		})
	}
}

func TestLookInterpSeesThroughPyenvShim(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"shims", "versions/3.99.0/bin"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shim := filepath.Join(root, "shims", "python3")
	if err := os.WriteFile(shim, []byte("#!/bin/sh\nexec pyenv exec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "version"), []byte("3.99.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", filepath.Join(root, "shims"))
	t.Setenv("PYENV_VERSION", "")
	got, err := lookInterp("python3")
	if want := filepath.Join(root, "versions/3.99.0/bin/python3"); err != nil || got != want {
		t.Errorf("lookInterp = %q, %v; want %q", got, err, want)
	}
	t.Setenv("PYENV_VERSION", "system")
	if _, err := lookInterp("python3"); err == nil {
		t.Error("resolved the system pyenv version through the shim")
	}
}

func TestDedupe(t *testing.T) {
	got := dedupe([]sandbox.Bind{{Path: "/usr/lib/x"}, {Path: "/usr/lib"}, {Path: "/usr/lib64"},
		{Path: "/usr/lib"}})
	want := []sandbox.Bind{{Path: "/usr/lib"}, {Path: "/usr/lib64"}}
	if !slices.Equal(got, want) {
		t.Errorf("dedupe = %v, want %v", got, want)
	}
}
