package script

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// Language is one supported script language and how to run it.
type Language struct {
	Name   string // as in a request: python, sh or node
	Interp string // absolute path of the interpreter on the host and in the sandbox
	File   string // name the code gets in the working directory
	Binds  []sandbox.Bind
}

// args is the command line that runs the code file.
func (l Language) args() []string {
	return []string{l.Interp, sandbox.WorkDir + "/" + l.File}
}

// findLanguages locates every interpreter on this host. A language whose
// interpreter is missing is left out; the error lists why.
func findLanguages() (map[string]Language, error) {
	langs := map[string]Language{}
	var errs []error
	for _, c := range []struct{ name, cmd, file string }{
		{"python", "python3", "main.py"},
		{"sh", "sh", "main.sh"},
		{"node", "node", "main.js"},
	} {
		l, err := findLanguage(c.name, c.cmd, c.file)
		if err != nil {
			errs = append(errs, fmt.Errorf("find %s: %w", c.name, err))
			continue
		}
		langs[c.name] = l
	}
	return langs, errors.Join(errs...)
}

func findLanguage(name, cmd, file string) (Language, error) {
	path, err := lookInterp(cmd)
	if err != nil {
		return Language{}, err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return Language{}, err
	}
	binds, err := libraryDirs(real)
	if err != nil {
		return Language{}, err
	}
	binds = append(binds, sandbox.Bind{Path: "/etc/ld.so.cache", Optional: true})
	switch name {
	case "python":
		// The interpreter's whole prefix: the standard library, extension
		// modules and libpython, wherever it lives (/usr, a pyenv under /root).
		binds = append(binds, sandbox.Bind{Path: filepath.Dir(filepath.Dir(real))})
	case "sh":
		// A shell is of little use without the usual commands.
		binds = append(binds, sandbox.Bind{Path: "/usr/bin"})
		if st, err := os.Lstat("/bin"); err == nil && st.IsDir() {
			binds = append(binds, sandbox.Bind{Path: "/bin"}) // no merged /usr
		}
	default:
		binds = append(binds, sandbox.Bind{Path: real})
	}
	return Language{Name: name, Interp: real, File: file, Binds: dedupe(binds)}, nil
}

// lookInterp finds cmd on PATH, seeing through pyenv shims (shell scripts
// that would need the whole pyenv tree) to the selected version's binary.
func lookInterp(cmd string) (string, error) {
	path, err := exec.LookPath(cmd)
	if err != nil {
		return "", err
	}
	if !isScript(path) {
		return path, nil
	}
	shims := filepath.Dir(path)
	if filepath.Base(shims) != "shims" {
		return "", fmt.Errorf("%s is a script, not an interpreter", path)
	}
	root := filepath.Dir(shims)
	version := os.Getenv("PYENV_VERSION")
	if version == "" {
		b, err := os.ReadFile(filepath.Join(root, "version"))
		if err != nil {
			return "", fmt.Errorf("read pyenv version: %w", err)
		}
		version, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
	}
	if version == "" || version == "system" || strings.ContainsAny(version, "/ ") {
		return "", fmt.Errorf("pyenv version %q cannot be resolved", version)
	}
	return filepath.Join(root, "versions", version, "bin", cmd), nil
}

func isScript(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	n, _ := f.Read(head)
	return bytes.Equal(head[:n], []byte("#!"))
}

// libDirs are searched for shared libraries after RUNPATH.
var libDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib"}

// libraryDirs returns the directories holding the ELF interpreter and the
// shared libraries that bin needs directly, both as linked and as resolved.
func libraryDirs(bin string) ([]sandbox.Bind, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", bin, err)
	}
	defer f.Close()
	var paths []string
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				paths = append(paths, string(bytes.TrimRight(b, "\x00")))
			}
		}
	}
	dyn := dynStrings(f)
	needed := dyn[elf.DT_NEEDED]
	var search []string
	for _, rp := range slices.Concat(dyn[elf.DT_RUNPATH], dyn[elf.DT_RPATH]) {
		for _, d := range strings.Split(rp, ":") {
			search = append(search, strings.ReplaceAll(d, "$ORIGIN", filepath.Dir(bin)))
		}
	}
	search = append(search, libDirs...)
	for _, lib := range needed {
		for _, d := range search {
			if p := filepath.Join(d, lib); fileExists(p) {
				paths = append(paths, p)
				break
			}
		}
	}
	var binds []sandbox.Bind
	for _, p := range paths {
		if d, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			binds = append(binds, sandbox.Bind{Path: d})
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			binds = append(binds, sandbox.Bind{Path: filepath.Dir(r)})
		}
	}
	return binds, nil
}

// dynStrings reads the DT_NEEDED, DT_RUNPATH and DT_RPATH strings of a
// 64-bit little-endian ELF file. Unlike elf.File.DynString it reads only
// those strings, not the whole string table: node's is megabytes long.
func dynStrings(f *elf.File) map[elf.DynTag][]string {
	out := map[elf.DynTag][]string{}
	dynamic, strtab := f.Section(".dynamic"), f.Section(".dynstr")
	if dynamic == nil || strtab == nil || f.Class != elf.ELFCLASS64 ||
		f.Data != elf.ELFDATA2LSB {
		return out
	}
	d, err := dynamic.Data()
	if err != nil {
		return out
	}
	buf := make([]byte, 512)
	for ; len(d) >= 16; d = d[16:] {
		tag := elf.DynTag(binary.LittleEndian.Uint64(d))
		if tag != elf.DT_NEEDED && tag != elf.DT_RUNPATH && tag != elf.DT_RPATH {
			continue
		}
		n, _ := strtab.ReadAt(buf, int64(binary.LittleEndian.Uint64(d[8:])))
		if s, _, ok := bytes.Cut(buf[:n], []byte{0}); ok {
			out[tag] = append(out[tag], string(s))
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// dedupe drops repeated binds and binds inside another bind.
func dedupe(binds []sandbox.Bind) []sandbox.Bind {
	slices.SortFunc(binds, func(a, b sandbox.Bind) int { return strings.Compare(a.Path, b.Path) })
	var out []sandbox.Bind
	for _, b := range binds {
		if n := len(out); n > 0 && within(b.Path, out[n-1].Path) {
			continue
		}
		out = append(out, b)
	}
	return out
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
