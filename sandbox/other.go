//go:build !linux

package sandbox

import "context"

// IsInit reports false: there is no sandbox init on this platform.
func IsInit() bool { return false }

// InitMain is never called on this platform.
func InitMain() { panic(ErrUnsupported) }

// Run fails: the sandbox needs Linux.
func Run(ctx context.Context, spec Spec) (Result, error) {
	return Result{Status: StatusSandboxError, Reason: ErrUnsupported.Error()}, ErrUnsupported
}

// Probe reports that nothing is available.
func Probe() Capabilities { return Capabilities{Cgroup: "none"} }

// Policy is empty: there is no seccomp on this platform.
func Policy() []Rule { return nil }

// Pool is unavailable on this platform.
type Pool struct{}

// NewPool fails: the sandbox needs Linux.
func NewPool(size int, binds []Bind, limits Limits) (*Pool, error) {
	return nil, ErrUnsupported
}

// Run fails: the sandbox needs Linux.
func (p *Pool) Run(ctx context.Context, spec Spec) (Result, error) { return Run(ctx, spec) }

// Close does nothing.
func (p *Pool) Close() error { return nil }
