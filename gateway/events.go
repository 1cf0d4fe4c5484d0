package gateway

import (
	"sync"
	"time"
)

// Event is one security event, as the dashboard shows it. It never holds a
// payload, token or cookie.
type Event struct {
	ID     uint64    `json:"id"`
	Time   time.Time `json:"time"`
	Type   string    `json:"type"`             // block, flag, csrf, rate_limit, login_failed, script
	Layer  string    `json:"layer,omitempty"`  // input, intent, csrf, ratelimit, sandbox
	Kind   string    `json:"kind,omitempty"`   // attack kind, CSRF reason or script status
	Score  float64   `json:"score,omitempty"`  // detector score
	Detail string    `json:"detail,omitempty"` // short explanation
	Path   string    `json:"path,omitempty"`
	User   string    `json:"user,omitempty"`
	ReqID  string    `json:"request_id,omitempty"`
}

// eventLog keeps the latest events and per-minute counts for the dashboard.
// It is safe for concurrent use; its memory is bounded.
type eventLog struct {
	mu      sync.Mutex
	next    uint64
	ring    []Event // the latest maxEvents events, oldest first once full
	start   int
	buckets map[int64]map[string]int // minute (Unix) -> "type/layer/kind" -> count
	totals  map[string]int
	waiters []chan struct{}
}

const (
	maxEvents  = 500
	keepMinute = 24 * 60 // buckets kept, one a minute
)

func newEventLog() *eventLog {
	return &eventLog{buckets: map[int64]map[string]int{}, totals: map[string]int{}}
}

// add records e and wakes every waiter.
func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next++
	e.ID = l.next
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if len(l.ring) < maxEvents {
		l.ring = append(l.ring, e)
	} else {
		l.ring[l.start] = e
		l.start = (l.start + 1) % maxEvents
	}
	min := e.Time.Unix() / 60
	b := l.buckets[min]
	if b == nil {
		b = map[string]int{}
		l.buckets[min] = b
		for m := range l.buckets {
			if m < min-keepMinute {
				delete(l.buckets, m)
			}
		}
	}
	key := e.Type + "/" + e.Layer + "/" + e.Kind
	b[key]++
	l.totals[key]++
	for _, w := range l.waiters {
		close(w)
	}
	l.waiters = nil
}

// since returns the events with an id above after, oldest first.
func (l *eventLog) since(after uint64) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []Event{}
	for i := range l.ring {
		e := l.ring[(l.start+i)%len(l.ring)]
		if e.ID > after {
			out = append(out, e)
		}
	}
	return out
}

// wait returns a channel closed at the next add.
func (l *eventLog) wait() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := make(chan struct{})
	l.waiters = append(l.waiters, c)
	return c
}

// counts returns the totals since start and the per-minute counts of the
// last n minutes, oldest first.
func (l *eventLog) counts(now time.Time, n int) (map[string]int, []map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	totals := make(map[string]int, len(l.totals))
	for k, v := range l.totals {
		totals[k] = v
	}
	series := make([]map[string]int, n)
	last := now.Unix() / 60
	for i := range n {
		m := map[string]int{}
		for k, v := range l.buckets[last-int64(n-1-i)] {
			m[k] = v
		}
		series[i] = m
	}
	return totals, series
}
