package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Pool keeps sandboxes started ahead of time: namespaces made, file system
// built, init waiting. A run takes one, gets a fresh tmpfs for /tmp and the
// working directory and a fresh cgroup with its own limits, and the sandbox
// is destroyed afterwards, so nothing of one run reaches the next. When no
// warm sandbox is ready a run starts a fresh one rather than wait.
//
// A run's replacement starts once the run has ended, so that on a small
// host the refill (a whole init start) does not take CPU from the run it
// replaces.
type Pool struct {
	binds  []Bind
	limits Limits // what warm sandboxes' cgroups are given ahead of a run
	ready  chan *sandbox
	refill chan struct{} // one token per warm sandbox to start
	done   chan struct{}
	wg     sync.WaitGroup // the filler and pending teardowns
	once   sync.Once
	mu     sync.Mutex
	closed bool    // Close has begun: later teardowns are not waited for
	errs   []error // teardowns that failed, reported by Close
}

// NewPool starts keeping size sandboxes with binds warm. Their cgroups get
// limits ahead of time, so that runs with the same memory and process limits
// skip writing them. It fails when the first sandbox cannot be started.
func NewPool(size int, binds []Bind, limits Limits) (*Pool, error) {
	if size <= 0 {
		return nil, errors.New("new sandbox pool: size must be positive")
	}
	first, err := start(binds, limits)
	if err != nil {
		return nil, err
	}
	p := &Pool{binds: binds, limits: limits, ready: make(chan *sandbox, size),
		refill: make(chan struct{}, size), done: make(chan struct{})}
	p.ready <- first
	for range size - 1 {
		p.refill <- struct{}{}
	}
	p.wg.Add(1)
	go p.fill()
	return p, nil
}

// fill starts a sandbox for every refill token.
func (p *Pool) fill() {
	defer p.wg.Done()
	backoff := 10 * time.Millisecond
	for {
		select {
		case <-p.refill:
		case <-p.done:
			return
		}
		sb, err := start(p.binds, p.limits)
		if err != nil {
			// Runs still work: they start fresh sandboxes and report the
			// failure themselves.
			select {
			case <-time.After(backoff):
				backoff = min(2*backoff, time.Second)
				p.askRefill()
				continue
			case <-p.done:
				return
			}
		}
		backoff = 10 * time.Millisecond
		select {
		case p.ready <- sb:
		case <-p.done:
			_ = sb.discard() // Close waits for this goroutine, not for its errors
			return
		}
	}
}

// Run runs spec in a warm sandbox, or a fresh one when none is ready. The
// pool's binds are used; spec.Binds is ignored.
func (p *Pool) Run(ctx context.Context, spec Spec) (Result, error) {
	select {
	case <-p.done:
		return fail(&SetupError{"take sandbox", errors.New("pool closed")})
	default:
	}
	for {
		select {
		case sb := <-p.ready:
			if sb.alive() {
				sb.async = p.teardown
				defer p.askRefill()
				return sb.run(ctx, spec)
			}
			_ = sb.discard() // died while waiting; the run takes another
			p.askRefill()
		default:
			sb, err := start(p.binds, p.limits)
			if err != nil {
				return fail(err)
			}
			sb.async = p.teardown
			return sb.run(ctx, spec)
		}
	}
}

// askRefill asks the filler for one more warm sandbox. Tokens beyond the
// pool's size are dropped: the pool never holds more than that.
func (p *Pool) askRefill() {
	select {
	case p.refill <- struct{}{}:
	default:
	}
}

// teardown finishes a run's teardown in the background.
func (p *Pool) teardown(f func() error) {
	record := func() {
		if err := f(); err != nil {
			p.mu.Lock()
			p.errs = append(p.errs, err)
			p.mu.Unlock()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		// Close may be waiting already: adding to wg now would race with it.
		go record()
		return
	}
	p.wg.Add(1)
	go func() { defer p.wg.Done(); record() }()
}

// Close stops the pool, destroys its warm sandboxes and waits for the
// teardown of finished runs. The error says what could not be cleaned up,
// including the teardowns of earlier runs.
func (p *Pool) Close() error {
	var errs []error
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.done)
		p.wg.Wait()
		for {
			select {
			case sb := <-p.ready:
				errs = append(errs, sb.discard())
			default:
				return
			}
		}
	})
	p.mu.Lock()
	errs = append(errs, p.errs...)
	p.errs = nil
	p.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sandbox pool: %w", err)
	}
	return nil
}
