package session

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// SetStoreClock replaces the clock of a memory or bolt store, for tests of
// expiry. It must be called before the store is used.
func SetStoreClock(st Store, now func() time.Time) bool {
	switch s := st.(type) {
	case *MemoryStore:
		s.now = now
	case *BoltStore:
		s.now = now
	default:
		return false
	}
	return true
}

// BoltLen reports how many session entries and expiry index entries a bolt
// store holds, to test that sweeping removes both.
func BoltLen(st *BoltStore) (entries, index int) {
	st.db.View(func(tx *bolt.Tx) error {
		entries = tx.Bucket(bucketSessions).Stats().KeyN
		index = tx.Bucket(bucketExpiry).Stats().KeyN
		return nil
	})
	return entries, index
}
