package session

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltStore is a [Store] in a bbolt file, for a single instance: entries,
// revocations included, survive restarts. Expired entries are dropped by
// Put and Revoke, at most once a minute and a bounded number at a time.
//
// The file is locked while open, so two processes cannot share it; use
// [RedisStore] for several instances. Make one with [OpenBoltStore].
type BoltStore struct {
	db        *bolt.DB
	now       func() time.Time
	lastSweep time.Time // guarded by bolt's writer lock
}

var (
	bucketSessions = []byte("sessions") // id -> state(1) | expires(8)
	bucketExpiry   = []byte("expiry")   // expires(8) | id -> nothing
)

const (
	stateAlive   = 'a'
	stateRevoked = 'r'
	// sweepLimit bounds the deletions of one sweep, to keep the write
	// transaction of a login short.
	sweepLimit = 1000
	lockWait   = 2 * time.Second
)

// OpenBoltStore opens or creates the store file at path (mode 0600). It
// waits a short while for another process to release the file, then fails.
func OpenBoltStore(path string) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if err != nil {
		return nil, fmt.Errorf("open session store: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketExpiry} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open session store: create buckets: %w", err)
	}
	return &BoltStore{db: db, now: time.Now}, nil
}

// Put implements [Store].
func (bs *BoltStore) Put(ctx context.Context, s Session, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	err := bs.db.Update(func(tx *bolt.Tx) error {
		now := bs.now()
		bs.sweep(tx, now)
		sessions := tx.Bucket(bucketSessions)
		if old := sessions.Get([]byte(s.ID)); old != nil && !expired(old, now) {
			return errDuplicateID
		}
		return bs.write(tx, s.ID, stateAlive, now.Add(ttl))
	})
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Alive implements [Store].
func (bs *BoltStore) Alive(ctx context.Context, id string) (bool, error) {
	var alive bool
	err := bs.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get([]byte(id))
		alive = v != nil && v[0] == stateAlive && !expired(v, bs.now())
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("check session: %w", err)
	}
	return alive, nil
}

// Revoke implements [Store].
func (bs *BoltStore) Revoke(ctx context.Context, id string, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	err := bs.db.Update(func(tx *bolt.Tx) error {
		now := bs.now()
		bs.sweep(tx, now)
		return bs.write(tx, id, stateRevoked, now.Add(ttl))
	})
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// Close implements [Store]; it closes the file.
func (bs *BoltStore) Close() error {
	if err := bs.db.Close(); err != nil {
		return fmt.Errorf("close session store: %w", err)
	}
	return nil
}

// write stores the entry for id and its expiry index key, replacing the
// index key of any previous entry.
func (bs *BoltStore) write(tx *bolt.Tx, id string, state byte, expires time.Time) error {
	sessions, index := tx.Bucket(bucketSessions), tx.Bucket(bucketExpiry)
	if old := sessions.Get([]byte(id)); len(old) == 9 {
		if err := index.Delete(indexKey(old[1:], id)); err != nil {
			return err
		}
	}
	v := make([]byte, 9)
	v[0] = state
	binary.BigEndian.PutUint64(v[1:], uint64(expires.UnixNano()))
	if err := sessions.Put([]byte(id), v); err != nil {
		return err
	}
	return index.Put(indexKey(v[1:], id), nil)
}

// sweep deletes up to sweepLimit expired entries, oldest first, if the
// last sweep is older than sweepEvery. A failed delete is left for the
// next sweep: expired entries are refused by Alive anyway.
func (bs *BoltStore) sweep(tx *bolt.Tx, now time.Time) {
	if now.Sub(bs.lastSweep) < sweepEvery {
		return
	}
	bs.lastSweep = now
	var bound [8]byte
	binary.BigEndian.PutUint64(bound[:], uint64(now.UnixNano()))
	sessions, index := tx.Bucket(bucketSessions), tx.Bucket(bucketExpiry)
	var keys [][]byte
	c := index.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < sweepLimit; k, _ = c.Next() {
		if len(k) < 8 || bytes.Compare(k[:8], bound[:]) > 0 {
			break
		}
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		index.Delete(k)
		id := k[8:]
		if v := sessions.Get(id); v != nil && bytes.Equal(v[1:], k[:8]) {
			sessions.Delete(id)
		}
	}
}

func indexKey(expires []byte, id string) []byte {
	return append(bytes.Clone(expires), id...)
}

// expired reports whether the stored value v (state | expires) has expired
// at now. A value of the wrong length counts as expired.
func expired(v []byte, now time.Time) bool {
	if len(v) != 9 {
		return true
	}
	return int64(binary.BigEndian.Uint64(v[1:])) <= now.UnixNano()
}
