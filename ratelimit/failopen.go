package ratelimit

import (
	"context"
	"errors"
)

// FailOpen returns a limiter that allows a request when l fails, for
// example because Redis is unreachable, and reports the failure to onError
// (which may be nil) so that the caller can log it and count it. An
// [ErrInvalidLimit] error is a configuration mistake and still comes back.
//
// Without FailOpen the error reaches the caller, which should then refuse
// the request (fail closed, for example with 503). Failing open keeps the
// service up during a store outage at the price of no limit at all while it
// lasts; prefer it for cheap routes and fail closed for login and for
// expensive routes.
func FailOpen(l Limiter, onError func(error)) Limiter {
	return failOpen{l: l, onError: onError}
}

type failOpen struct {
	l       Limiter
	onError func(error)
}

func (f failOpen) Allow(ctx context.Context, key string, lim Limit) (Decision, error) {
	d, err := f.l.Allow(ctx, key, lim)
	if err == nil || errors.Is(err, ErrInvalidLimit) {
		return d, err
	}
	if f.onError != nil {
		f.onError(err)
	}
	return Decision{Allowed: true, Limit: lim, Remaining: lim.Capacity()}, nil
}

// Fallback returns a limiter that asks primary and, when primary fails,
// reports the failure to onError (which may be nil) and asks fallback
// instead. With a shared [Redis] limiter as primary and a [Memory] limiter
// as fallback, a Redis outage turns the shared limit into a limit per
// instance rather than no limit at all. An [ErrInvalidLimit] error from
// primary comes back as it is.
func Fallback(primary, fallback Limiter, onError func(error)) Limiter {
	return fallbackLimiter{primary: primary, fallback: fallback, onError: onError}
}

type fallbackLimiter struct {
	primary, fallback Limiter
	onError           func(error)
}

func (f fallbackLimiter) Allow(ctx context.Context, key string, lim Limit) (Decision, error) {
	d, err := f.primary.Allow(ctx, key, lim)
	if err == nil || errors.Is(err, ErrInvalidLimit) {
		return d, err
	}
	if f.onError != nil {
		f.onError(err)
	}
	return f.fallback.Allow(ctx, key, lim)
}
