package session

import (
	"context"
	"errors"
	"sync"
	"time"
)

// A Store records which sessions are alive on the server side, so that a
// logout takes effect even though the sealed cookie would still open.
// Implementations are safe for concurrent use.
//
// Errors from a Store mean the store could not answer (a network or disk
// failure); they never mean "no such session".
//
// TODO: entries are keyed by session id only, so there is no way to revoke
// every session of one user (after a password change, say) short of
// rotating the key ring; that needs a per-user index in each store.
type Store interface {
	// Put records s as alive for ttl. Put on an id that is already
	// known, alive or revoked, is an error, so a revoked id never
	// comes back to life.
	Put(ctx context.Context, s Session, ttl time.Duration) error

	// Alive reports whether the session id was Put, has not been
	// revoked and has not outlived its ttl. An unknown id is not an
	// error: it gives false and a nil error.
	Alive(ctx context.Context, id string) (bool, error)

	// Revoke marks id as dead and remembers that for at least ttl, which
	// should cover the rest of the session's absolute lifetime. Revoking
	// an unknown or already revoked id succeeds.
	Revoke(ctx context.Context, id string, ttl time.Duration) error

	// Close releases the store's resources. The store must not be used
	// afterwards.
	Close() error
}

var (
	errDuplicateID = errors.New("session store: id already in use")
	errBadTTL      = errors.New("session store: ttl must be positive")
)

// MemoryStore is a [Store] held in process memory, for tests and for
// development. Nothing survives a restart, and instances do not share it.
// The zero value is an empty store ready to use.
type MemoryStore struct {
	mu        sync.Mutex
	entries   map[string]memoryEntry
	lastSweep time.Time
	now       func() time.Time
}

type memoryEntry struct {
	revoked bool
	expires time.Time
}

// sweepEvery is how often the memory and bolt stores drop expired entries,
// at most. Sweeping happens inside Put and Revoke, so an idle store keeps
// its expired entries until the next write.
const sweepEvery = time.Minute

// NewMemoryStore returns an empty [MemoryStore].
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

func (ms *MemoryStore) clock() time.Time {
	if ms.now == nil {
		return time.Now()
	}
	return ms.now()
}

// Put implements [Store].
func (ms *MemoryStore) Put(ctx context.Context, s Session, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	now := ms.clock()
	ms.sweepLocked(now)
	if e, ok := ms.entries[s.ID]; ok && now.Before(e.expires) {
		return errDuplicateID
	}
	ms.entries[s.ID] = memoryEntry{expires: now.Add(ttl)}
	return nil
}

// Alive implements [Store].
func (ms *MemoryStore) Alive(ctx context.Context, id string) (bool, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	e, ok := ms.entries[id]
	return ok && !e.revoked && ms.clock().Before(e.expires), nil
}

// Revoke implements [Store].
func (ms *MemoryStore) Revoke(ctx context.Context, id string, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	now := ms.clock()
	ms.sweepLocked(now)
	ms.entries[id] = memoryEntry{revoked: true, expires: now.Add(ttl)}
	return nil
}

// Close implements [Store]; it drops every entry.
func (ms *MemoryStore) Close() error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	clear(ms.entries)
	return nil
}

// Len reports how many entries, alive or revoked, the store holds.
func (ms *MemoryStore) Len() int {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return len(ms.entries)
}

// sweepLocked creates the map on first use and drops expired entries at
// most once per sweepEvery.
func (ms *MemoryStore) sweepLocked(now time.Time) {
	if ms.entries == nil {
		ms.entries = make(map[string]memoryEntry)
	}
	if now.Sub(ms.lastSweep) < sweepEvery {
		return
	}
	ms.lastSweep = now
	for id, e := range ms.entries {
		if !now.Before(e.expires) {
			delete(ms.entries, id)
		}
	}
}
