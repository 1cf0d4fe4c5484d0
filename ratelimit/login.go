package ratelimit

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// Login applies login back-off per username and per client address. Call
// Check before verifying a password and answer 429 with Retry-After when it
// returns a positive wait, without looking at the password; call Failed
// after a wrong password and Succeeded after a right one.
//
// Succeeded forgets the failures of the username but not those of the
// address: otherwise an attacker could clear the count of their address by
// logging into an account of their own between guesses. The address count
// fades after its Forget period instead.
//
// Anyone may lock a username out by failing on purpose, for at most
// User.Max at a time; this is the price of stopping guesses spread over
// many addresses. Pass the username in the form the users file compares, so
// that variants of one name share a count.
//
// Check and Failed are separate calls, so guesses sent at the same moment
// all pass Check before the first of them is counted: pair Login with a
// rate limit on the login route, which bounds such a burst.
type Login struct {
	// Store keeps the counts; it must be set.
	Store Failures
	// User and IP are the policies; a zero value means
	// [LoginUserBackoff] or [LoginIPBackoff].
	User Backoff
	IP   Backoff
}

// Check returns how long the attempt must wait: the longer of the locks on
// user and on ip, zero when it may go ahead. An invalid ip is not checked.
func (l *Login) Check(ctx context.Context, user string, ip netip.Addr) (time.Duration, error) {
	var wait time.Duration
	for _, key := range l.keys(user, ip) {
		d, err := l.Store.Locked(ctx, key)
		if err != nil {
			return 0, fmt.Errorf("check login lock: %w", err)
		}
		wait = max(wait, d)
	}
	return wait, nil
}

// Failed records a failed attempt and returns the lock that now applies.
func (l *Login) Failed(ctx context.Context, user string, ip netip.Addr) (time.Duration, error) {
	policies := [2]Backoff{l.userPolicy(), l.ipPolicy()}
	var wait time.Duration
	for i, key := range l.keys(user, ip) {
		d, err := l.Store.Fail(ctx, key, policies[i])
		if err != nil {
			return 0, fmt.Errorf("record login failure: %w", err)
		}
		wait = max(wait, d)
	}
	return wait, nil
}

// Succeeded forgets the failures of user.
func (l *Login) Succeeded(ctx context.Context, user string, _ netip.Addr) error {
	if err := l.Store.Reset(ctx, userKey(user)); err != nil {
		return fmt.Errorf("reset login failures: %w", err)
	}
	return nil
}

func (l *Login) keys(user string, ip netip.Addr) []string {
	keys := []string{userKey(user)}
	if ip.IsValid() {
		keys = append(keys, "ip:"+AddrKey(ip))
	}
	return keys
}

func userKey(user string) string { return "user:" + user }

func (l *Login) userPolicy() Backoff {
	if l.User == (Backoff{}) {
		return LoginUserBackoff
	}
	return l.User
}

func (l *Login) ipPolicy() Backoff {
	if l.IP == (Backoff{}) {
		return LoginIPBackoff
	}
	return l.IP
}
