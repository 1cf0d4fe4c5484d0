// Package ratelimit decides whether a keyed request may proceed now.
//
// It offers a GCRA (generic cell rate algorithm) limiter kept in memory
// ([Memory]) or in Redis ([Redis]) behind one [Limiter] interface, with
// [FailOpen] and [Fallback] to choose what a store failure means; [Guard],
// middleware that applies a limit and answers 429 with the headers of
// [WriteHeaders]; a login back-off that locks a username or client address
// after repeated failures ([Login], [Backoff], [Failures]); and [ClientIP],
// which finds the client address behind trusted proxies. The package never
// logs; it returns decisions and errors and leaves the answer to the
// caller.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrInvalidLimit reports a [Limit] that cannot be enforced: a rate or
// period that is not positive, a negative burst, an interval under a
// nanosecond, or a capacity that takes more than [MaxRecovery] to earn.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// MaxRecovery bounds the time an idle key takes to earn its full
// capacity, Interval × Capacity, which keeps the arithmetic far from
// overflow.
const MaxRecovery = 100 * 365 * 24 * time.Hour

// Limit is a rate: Rate requests per Per on average, with Burst extra
// requests that an idle key may spend at once. A key that has been idle for
// Per may therefore send Rate+Burst requests in a row; after that it earns
// one request every Per/Rate.
type Limit struct {
	Rate  int
	Per   time.Duration
	Burst int
}

// PerMinute returns a limit of n requests a minute without extra burst.
func PerMinute(n int) Limit { return Limit{Rate: n, Per: time.Minute} }

// Capacity is the number of requests an idle key may send at once.
func (l Limit) Capacity() int { return l.Rate + l.Burst }

// Interval is the time it takes to earn one request, Per/Rate.
func (l Limit) Interval() time.Duration { return l.Per / time.Duration(l.Rate) }

// Valid reports whether the limit can be enforced; the error wraps
// [ErrInvalidLimit].
func (l Limit) Valid() error {
	if l.Rate <= 0 || l.Burst < 0 || l.Per < time.Duration(l.Rate) ||
		l.Burst > maxCount || l.Rate > maxCount ||
		int64(l.Capacity()) > int64(MaxRecovery/l.Interval()) {
		return fmt.Errorf("%w: rate %d per %v burst %d", ErrInvalidLimit, l.Rate, l.Per, l.Burst)
	}
	return nil
}

// maxCount bounds Rate and Burst so that their sum cannot overflow.
const maxCount = 1 << 30

// Decision is the answer to one request.
type Decision struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// Limit is the limit that was applied.
	Limit Limit
	// Remaining is how many more requests the key could send right now.
	Remaining int
	// RetryAfter is how long a denied key must wait before a request is
	// allowed again; zero when Allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key is back to full capacity.
	ResetAfter time.Duration
}

// Limiter takes a decision for one request of key under limit l. Keys are
// shared across limits: use a distinct key prefix for each limit
// ("login:ip:", "chat:user:"). An error means no decision was taken (the
// store could not be reached); see [FailOpen] for the choice this leaves to
// the caller.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit) (Decision, error)
}

// gcra applies the algorithm to a key whose theoretical arrival time (the
// moment it will be back to full capacity) is tat; zero means a new key.
// It returns the decision and the key's new tat, which equals tat when the
// request is denied. All times are nanoseconds on one clock.
func gcra(now, tat int64, l Limit) (Decision, int64) {
	interval := int64(l.Interval())
	tolerance := interval * int64(l.Capacity())
	tat = max(tat, now)
	next := tat + interval
	allowAt := next - tolerance
	d := Decision{Limit: l}
	if now < allowAt {
		d.RetryAfter = time.Duration(allowAt - now)
		d.ResetAfter = time.Duration(tat - now)
		return d, tat
	}
	d.Allowed = true
	d.Remaining = int((now - allowAt) / interval)
	d.ResetAfter = time.Duration(next - now)
	return d, next
}
