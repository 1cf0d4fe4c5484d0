package sandbox

// DeadPool returns a pool without a filler whose one warm sandbox has died,
// as if the OOM killer or an operator had killed its init.
func DeadPool(binds []Bind) (*Pool, error) {
	sb, err := start(binds, Limits{})
	if err != nil {
		return nil, err
	}
	sb.kill()
	<-sb.exited
	p := &Pool{binds: binds, ready: make(chan *sandbox, 1), done: make(chan struct{})}
	p.ready <- sb
	return p, nil
}

// Warm is how many sandboxes wait in the pool.
func (p *Pool) Warm() int { return len(p.ready) }
