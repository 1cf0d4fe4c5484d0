package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// DefaultMaxKeys is the number of keys a [Memory] limiter tracks when
// MaxKeys is zero.
const DefaultMaxKeys = 100_000

const (
	shardCount  = 32
	evictSample = 16
)

// Memory is a [Limiter] kept in the memory of one process. Use it for a
// single instance; several instances behind a load balancer each apply the
// full limit, so use [Redis] there.
//
// A key costs one map entry until it is idle, that is back to full capacity,
// at which point forgetting it changes nothing. Memory is bounded by
// MaxKeys: when a new key arrives and its shard is full, idle keys among a
// random sample are dropped, and if none is idle the sampled key closest to
// being idle is. A client that floods the limiter with fresh keys can thus
// reset the state of other keys early; size MaxKeys above the number of
// clients active within one limit period to make that rare.
//
// The zero value is ready to use and safe for concurrent use.
type Memory struct {
	// MaxKeys bounds the number of keys tracked; zero means
	// [DefaultMaxKeys]. Set it before first use.
	MaxKeys int

	once   sync.Once
	seed   maphash.Seed
	shards [shardCount]shard
}

type shard struct {
	mu   sync.Mutex
	tats map[string]int64 // key → theoretical arrival time, Unix ns
	max  int
}

// NewMemory returns a limiter that tracks up to maxKeys keys; zero or less
// means [DefaultMaxKeys].
func NewMemory(maxKeys int) *Memory {
	return &Memory{MaxKeys: maxKeys}
}

// Allow implements [Limiter]. It only fails on an invalid limit.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Decision, error) {
	return m.allow(time.Now(), key, l)
}

func (m *Memory) allow(now time.Time, key string, l Limit) (Decision, error) {
	if err := l.Valid(); err != nil {
		return Decision{Limit: l}, err
	}
	m.once.Do(m.init)
	s := &m.shards[maphash.String(m.seed, key)%shardCount]
	t := now.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	tat, ok := s.tats[key]
	d, next := gcra(t, tat, l)
	if !d.Allowed {
		return d, nil
	}
	if !ok && len(s.tats) >= s.max {
		s.evict(t)
	}
	s.tats[key] = next
	return d, nil
}

func (m *Memory) init() {
	m.seed = maphash.MakeSeed()
	total := m.MaxKeys
	if total <= 0 {
		total = DefaultMaxKeys
	}
	per := max(total/shardCount, 1)
	for i := range m.shards {
		m.shards[i].tats = make(map[string]int64)
		m.shards[i].max = per
	}
}

// evict drops the idle keys in a sample of the shard or, when none is idle,
// the sampled key that will be idle soonest. Map iteration starts at a
// random entry, so the sample is random.
func (s *shard) evict(now int64) {
	var oldest string
	oldestTAT := int64(-1)
	dropped, seen := 0, 0
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
			dropped++
		} else if oldestTAT < 0 || tat < oldestTAT {
			oldest, oldestTAT = k, tat
		}
		if seen++; seen == evictSample {
			break
		}
	}
	if dropped == 0 && oldestTAT >= 0 {
		delete(s.tats, oldest)
	}
}

// Len reports how many keys are tracked.
func (m *Memory) Len() int {
	m.once.Do(m.init)
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tats)
		s.mu.Unlock()
	}
	return n
}

var _ Limiter = (*Memory)(nil)
