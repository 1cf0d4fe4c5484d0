package script

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// Config configures a [Runner]. The zero value is a safe configuration:
// every zero field means the default named next to it.
type Config struct {
	Concurrency int // runs at once; default runtime.NumCPU()
	Queue       int // runs waiting for a slot before ErrBusy; default 4×Concurrency
	// Warm is the number of sandboxes kept ready ahead of requests; default
	// Concurrency. A negative value turns the pool off: each run then starts
	// a fresh sandbox.
	Warm int

	DefaultTimeout  time.Duration // CPU limit when a request names none; default 10s
	MaxTimeout      time.Duration // largest CPU limit a request may ask for; default 30s
	DefaultMemoryMB int           // memory limit when a request names none; default 256
	MaxMemoryMB     int           // largest memory limit a request may ask for; default 512
	MaxCodeBytes    int           // largest code; default 256 KiB
	MaxStdinBytes   int           // largest standard input; default 1 MiB
	OutputBytes     int64         // bytes kept per output stream; default 1 MiB
	// CgroupParent is the cgroup the sandbox creates for its runs, relative
	// to the process's own cgroup unless absolute; default "bulwark". It
	// takes effect only before the first sandbox of the process starts.
	CgroupParent string
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = runtime.NumCPU()
	}
	if c.Queue <= 0 {
		c.Queue = 4 * c.Concurrency
	}
	if c.Warm == 0 {
		c.Warm = c.Concurrency
	}
	if c.DefaultTimeout <= 0 {
		c.DefaultTimeout = 10 * time.Second
	}
	if c.MaxTimeout <= 0 {
		c.MaxTimeout = 30 * time.Second
	}
	if c.DefaultMemoryMB <= 0 {
		c.DefaultMemoryMB = 256
	}
	if c.MaxMemoryMB <= 0 {
		c.MaxMemoryMB = 512
	}
	if c.MaxCodeBytes <= 0 {
		c.MaxCodeBytes = 256 << 10
	}
	if c.MaxStdinBytes <= 0 {
		c.MaxStdinBytes = 1 << 20
	}
	if c.OutputBytes <= 0 {
		c.OutputBytes = sandbox.DefaultOutput
	}
	c.DefaultTimeout = min(c.DefaultTimeout, c.MaxTimeout)
	c.DefaultMemoryMB = min(c.DefaultMemoryMB, c.MaxMemoryMB)
	return c
}

// Maxima of [Exec].
const (
	ExecMaxTimeout  = time.Hour
	ExecMaxMemoryMB = 64 << 10
)

// ErrBusy means every run slot and every queue place is taken; the gateway
// answers 429.
var ErrBusy = errors.New("script: too many runs waiting")

// RequestError is a request the runner refuses to run: an unknown language,
// a limit over the server's maximum, code or input too large. The gateway
// answers 400 with Msg.
type RequestError struct {
	Field string // request field at fault, such as "language"
	Msg   string
}

func (e *RequestError) Error() string { return "bad script request: " + e.Field + ": " + e.Msg }

// Runner runs scripts with a bounded number at once, a bounded queue and a
// pool of warm sandboxes. It is safe for concurrent use.
type Runner struct {
	cfg   Config
	langs map[string]Language
	pool  *sandbox.Pool // nil when the pool is off
	queue chan struct{} // a place for every run admitted, running or waiting
	slots chan struct{} // a place for every run running
	caps  sandbox.Capabilities
}

// NewRunner finds the interpreters, probes the host and starts the warm
// pool. It fails when no language can run or the host cannot sandbox.
func NewRunner(cfg Config) (*Runner, error) {
	cfg = cfg.withDefaults()
	if cfg.CgroupParent != "" {
		sandbox.CgroupParentName = cfg.CgroupParent
	}
	caps := sandbox.Probe()
	if !caps.UserNamespaces {
		return nil, fmt.Errorf("new script runner: %w", errors.New(caps.UserNSDetail))
	}
	langs, err := findLanguages()
	if len(langs) == 0 {
		return nil, fmt.Errorf("new script runner: %w", err)
	}
	r := &Runner{cfg: cfg, langs: langs, caps: caps,
		queue: make(chan struct{}, cfg.Concurrency+cfg.Queue),
		slots: make(chan struct{}, cfg.Concurrency)}
	if cfg.Warm > 0 {
		r.pool, err = sandbox.NewPool(cfg.Warm, unionBinds(langs), sandbox.Limits{
			Memory: int64(cfg.DefaultMemoryMB) << 20})
		if err != nil {
			return nil, fmt.Errorf("new script runner: %w", err)
		}
	}
	return r, nil
}

// Capabilities returns what the host lets the sandbox use.
func (r *Runner) Capabilities() sandbox.Capabilities { return r.caps }

// Languages returns the names of the languages this runner can run.
func (r *Runner) Languages() []string {
	var names []string
	for _, n := range []string{"python", "sh", "node"} {
		if _, ok := r.langs[n]; ok {
			names = append(names, n)
		}
	}
	return names
}

// Run runs one script. The error is ErrBusy, a *RequestError, the context's
// error while waiting for a slot, or a sandbox failure (sandbox_error).
func (r *Runner) Run(ctx context.Context, req Request) (Result, error) {
	spec, err := r.spec(req)
	if err != nil {
		return Result{}, err
	}
	select {
	case r.queue <- struct{}{}:
	default:
		return Result{}, ErrBusy
	}
	defer func() { <-r.queue }()
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	defer func() { <-r.slots }()
	var res sandbox.Result
	if r.pool != nil {
		res, err = r.pool.Run(ctx, spec)
	} else {
		res, err = sandbox.Run(ctx, spec)
	}
	return fromSandbox(res), err
}

// Close stops the warm pool and removes its sandboxes.
func (r *Runner) Close() error {
	if r.pool != nil {
		return r.pool.Close()
	}
	return nil
}

// Exec runs one script in a fresh sandbox: the path of `bulwark exec`. The
// operator at the command line is trusted with larger maxima than a server's
// clients (ExecMaxTimeout, ExecMaxMemoryMB); the defaults are the Runner's.
func Exec(ctx context.Context, req Request) (Result, error) {
	go sandbox.Probe() // overlaps with finding the interpreters; the run waits for it
	langs, err := findLanguages()
	if _, ok := langs[req.Language]; !ok && err != nil {
		return Result{Status: sandbox.StatusSandboxError.String()}, err
	}
	cfg := Config{Concurrency: 1, MaxTimeout: ExecMaxTimeout, MaxMemoryMB: ExecMaxMemoryMB}
	r := &Runner{cfg: cfg.withDefaults(), langs: langs}
	spec, err := r.spec(req)
	if err != nil {
		return Result{}, err
	}
	// The same file system as the server's warm sandboxes, so that a script
	// behaves the same through both paths.
	spec.Binds = unionBinds(langs)
	res, err := sandbox.Run(ctx, spec)
	return fromSandbox(res), err
}

// unionBinds returns what every language needs.
func unionBinds(langs map[string]Language) []sandbox.Bind {
	var binds []sandbox.Bind
	for _, l := range langs {
		binds = append(binds, l.Binds...)
	}
	return dedupe(binds)
}

// spec checks a request against the limits and builds the sandbox spec.
func (r *Runner) spec(req Request) (sandbox.Spec, error) {
	l, ok := r.langs[req.Language]
	if !ok {
		return sandbox.Spec{}, &RequestError{"language",
			fmt.Sprintf("%q is not one of %v", req.Language, r.Languages())}
	}
	c := r.cfg
	cpu := c.DefaultTimeout
	switch {
	case req.TimeoutS < 0:
		return sandbox.Spec{}, &RequestError{"timeout_s", "must not be negative"}
	case req.TimeoutS > c.MaxTimeout.Seconds():
		return sandbox.Spec{}, &RequestError{"timeout_s",
			fmt.Sprintf("over the maximum of %gs", c.MaxTimeout.Seconds())}
	case req.TimeoutS > 0:
		cpu = time.Duration(req.TimeoutS * float64(time.Second))
	}
	mem := c.DefaultMemoryMB
	switch {
	case req.MemoryLimitMB < 0:
		return sandbox.Spec{}, &RequestError{"memory_limit_mb", "must not be negative"}
	case req.MemoryLimitMB > c.MaxMemoryMB:
		return sandbox.Spec{}, &RequestError{"memory_limit_mb",
			fmt.Sprintf("over the maximum of %d", c.MaxMemoryMB)}
	case req.MemoryLimitMB > 0:
		mem = req.MemoryLimitMB
	}
	if len(req.Code) > c.MaxCodeBytes {
		return sandbox.Spec{}, &RequestError{"code",
			fmt.Sprintf("over %d bytes", c.MaxCodeBytes)}
	}
	if len(req.Stdin) > c.MaxStdinBytes {
		return sandbox.Spec{}, &RequestError{"stdin",
			fmt.Sprintf("over %d bytes", c.MaxStdinBytes)}
	}
	return sandbox.Spec{
		Args:  l.args(),
		Stdin: []byte(req.Stdin),
		Files: []sandbox.File{{Name: l.File, Data: []byte(req.Code)}},
		Binds: l.Binds,
		Limits: sandbox.Limits{CPU: cpu, Memory: int64(mem) << 20,
			Output: c.OutputBytes, StdinBytes: int64(c.MaxStdinBytes)},
	}, nil
}

// fromSandbox spells a sandbox result as the contract's object. A program
// ended by signal N gets exit code 128+N, as a shell reports it.
func fromSandbox(s sandbox.Result) Result {
	r := Result{
		Status: s.Status.String(), ExitCode: s.ExitCode, Signal: s.Signal,
		Stdout: string(s.Stdout), Stderr: string(s.Stderr),
		StdoutTruncated: s.StdoutTruncated, StderrTruncated: s.StderrTruncated,
		WallMS: s.Wall.Milliseconds(), CPUMS: s.CPU.Milliseconds(), MaxRSSKB: s.MaxRSSKB,
		Reason: s.Reason, Degraded: s.Degraded,
	}
	if s.SignalNumber > 0 {
		r.ExitCode = 128 + s.SignalNumber
	}
	return r
}
