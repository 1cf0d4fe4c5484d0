// Package sandbox runs one untrusted program under strict isolation and
// limits, and reports how it ended.
//
// On Linux every run gets new user, PID, mount, network, IPC, UTS and cgroup
// namespaces; a root file system built on an empty tmpfs from read-only binds
// of the paths the caller names; a fresh /proc with sensitive paths masked and
// no /sys; an empty network namespace; a seccomp-bpf filter (see [Policy]);
// Landlock where the kernel has it; a cgroup that limits memory, processes and
// accounts CPU for the whole process tree; and rlimits as backstops. A tiny
// init (this binary, re-executed; see [IsInit]) is PID 1 of the run and the
// program runs as an unprivileged user in its own session below it.
//
// [Run] returns an error only when the sandbox itself failed; every outcome of
// the program is a [Status] in the [Result]. The package never falls back to
// running a program unsandboxed. [Pool] keeps sandboxes warm so that the
// namespaces and the file system are ready before a run arrives.
//
// Programs that embed this package must call [IsInit] and [InitMain] first
// thing in main (and tests in TestMain), because the sandbox re-executes the
// current binary as its init.
package sandbox

import (
	"errors"
	"fmt"
	"time"
)

// Status says how a run ended. Its text form is the word of the outside
// contract.
type Status int

// The statuses. StatusOK is a zero exit; StatusError a non-zero exit;
// StatusKilled a signal that no limit caused.
const (
	StatusOK Status = iota
	StatusError
	StatusTimeout
	StatusMemoryLimit
	StatusOutputLimit
	StatusKilled
	StatusSandboxError
)

var statusWords = [...]string{
	StatusOK:           "ok",
	StatusError:        "error",
	StatusTimeout:      "timeout",
	StatusMemoryLimit:  "memory_limit",
	StatusOutputLimit:  "output_limit",
	StatusKilled:       "killed",
	StatusSandboxError: "sandbox_error",
}

// String returns the contract word for s.
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusWords) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusWords[s]
}

// MarshalText returns the contract word for s.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusWords) {
		return nil, fmt.Errorf("marshal status: unknown status %d", int(s))
	}
	return []byte(statusWords[s]), nil
}

// UnmarshalText parses a contract word.
func (s *Status) UnmarshalText(b []byte) error {
	for i, w := range statusWords {
		if w == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unmarshal status: unknown word %q", b)
}

// Limits bound one run. A zero field means the default named next to it,
// never unlimited.
type Limits struct {
	CPU        time.Duration // CPU time of the whole tree; default 30s
	Wall       time.Duration // wall-clock time; default 2×CPU
	Memory     int64         // bytes of memory for the whole tree, no swap; default 512 MiB
	Output     int64         // bytes kept per output stream; default 1 MiB
	Processes  int           // processes and threads at once; default 64
	OpenFiles  int           // open files per process; default 256
	FileSize   int64         // bytes of the largest file written; default 16 MiB
	TmpSize    int64         // bytes of /tmp and of the working directory each; default 16 MiB
	TmpInodes  int           // inodes of /tmp and of the working directory each; default 1024
	StdinBytes int64         // bytes of standard input accepted; default 1 MiB
}

// Default limits, used for zero fields.
const (
	DefaultCPU       = 30 * time.Second
	DefaultMemory    = 512 << 20
	DefaultOutput    = 1 << 20
	DefaultProcesses = 64
	DefaultOpenFiles = 256
	DefaultFileSize  = 16 << 20
	DefaultTmpSize   = 16 << 20
	DefaultTmpInodes = 1024
	DefaultStdin     = 1 << 20
)

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.CPU <= 0 {
		l.CPU = DefaultCPU
	}
	if l.Wall <= 0 {
		l.Wall = 2 * l.CPU
	}
	setDefault(&l.Memory, DefaultMemory)
	setDefault(&l.Output, DefaultOutput)
	setDefault(&l.Processes, DefaultProcesses)
	setDefault(&l.OpenFiles, DefaultOpenFiles)
	setDefault(&l.FileSize, DefaultFileSize)
	setDefault(&l.TmpSize, DefaultTmpSize)
	setDefault(&l.TmpInodes, DefaultTmpInodes)
	setDefault(&l.StdinBytes, DefaultStdin)
	return l
}

func setDefault[T int | int64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Bind is a host path made visible read-only inside the sandbox at the same
// path. Binds are nosuid and nodev.
type Bind struct {
	Path     string
	Optional bool // skip the bind when Path does not exist
}

// File is a file written into the working directory before the program
// starts, owned by the sandbox user.
type File struct {
	Name string // base name, no slashes
	Data []byte
	Mode uint32 // permission bits; zero means 0o644
}

// Spec describes one run.
type Spec struct {
	Args  []string // program and arguments; Args[0] is an absolute path inside the sandbox
	Env   []string // the complete environment; nil means [DefaultEnv]
	Stdin []byte   // standard input; at most Limits.StdinBytes
	Files []File   // written into the working directory, /work
	// Binds are the host paths the program needs (interpreter, libraries).
	// Nothing else of the host file system is visible.
	Binds  []Bind
	Limits Limits
	// UnsafeNoSeccomp turns the syscall filter off. Tests use it to prove the
	// other layers hold on their own; never set it for untrusted code.
	UnsafeNoSeccomp bool
}

// DefaultEnv is the fixed environment a program sees when Spec.Env is nil.
var DefaultEnv = []string{
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"HOME=/work",
	"TMPDIR=/tmp",
	"LANG=C.UTF-8",
	"USER=sandbox",
}

// WorkDir is the working directory of the program inside the sandbox.
const WorkDir = "/work"

// Result is how one run ended.
type Result struct {
	Status          Status
	ExitCode        int    // exit code, or -1 when a signal ended the program
	Signal          string // signal name such as "SIGKILL", or ""
	SignalNumber    int    // the signal's number, or 0
	Stdout, Stderr  []byte
	StdoutTruncated bool
	StderrTruncated bool
	Wall            time.Duration
	CPU             time.Duration // user+system time of the whole tree
	// MaxRSSKB is the peak memory of the program's whole tree in KiB, from
	// the cgroup, less what the waiting init used; without a cgroup, the
	// largest process's peak RSS.
	MaxRSSKB int64
	// Reason says in one line why the run ended when Status is not StatusOK.
	Reason string
	// Degraded lists the protections that this run had to go without, such as
	// "cgroup: memory" when no memory controller could be used.
	Degraded []string
}

// ErrUnsupported is returned on platforms without the sandbox.
var ErrUnsupported = fmt.Errorf("sandbox: %w on this platform", errors.ErrUnsupported)

// SetupError is the error of a failed sandbox setup step.
type SetupError struct {
	Step string // the step that failed, such as "create cgroup" or "pivot_root"
	Err  error
}

func (e *SetupError) Error() string { return e.Step + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *SetupError) Unwrap() error { return e.Err }
