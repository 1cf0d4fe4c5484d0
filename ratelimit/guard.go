package ratelimit

import (
	"encoding/json"
	"net/http"
)

// Guard is middleware that limits the requests reaching a handler. Limiter
// and Key must be set; the other fields have usable zero values.
type Guard struct {
	Limiter Limiter
	Limit   Limit
	// Key returns the key to count r under, such as "chat:ip:" plus
	// [AddrKey] of [ClientIP]; an empty key lets r through uncounted.
	Key func(r *http.Request) string
	// Deny answers a request over the limit; nil means [DenyJSON]. The
	// rate-limit headers are already set when it is called.
	Deny func(w http.ResponseWriter, r *http.Request, d Decision)
	// Error answers a request when the limiter failed; nil means
	// [ErrorJSON], which fails closed. Wrap the limiter with [FailOpen] or
	// [Fallback] to let requests through instead.
	Error func(w http.ResponseWriter, r *http.Request, err error)
}

// Check takes the decision for r. A request without a key is allowed with
// a zero Decision.
func (g *Guard) Check(r *http.Request) (Decision, error) {
	key := g.Key(r)
	if key == "" {
		return Decision{Allowed: true}, nil
	}
	return g.Limiter.Allow(r.Context(), key, g.Limit)
}

// Handler returns a handler that sets the rate-limit headers and passes
// allowed requests to next.
func (g *Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := g.Check(r)
		switch {
		case err != nil:
			g.errorFunc()(w, r, err)
		case !d.Allowed:
			WriteHeaders(w, d)
			g.denyFunc()(w, r, d)
		default:
			if d.Limit.Rate > 0 {
				WriteHeaders(w, d)
			}
			next.ServeHTTP(w, r)
		}
	})
}

func (g *Guard) denyFunc() func(http.ResponseWriter, *http.Request, Decision) {
	if g.Deny != nil {
		return g.Deny
	}
	return DenyJSON
}

func (g *Guard) errorFunc() func(http.ResponseWriter, *http.Request, error) {
	if g.Error != nil {
		return g.Error
	}
	return ErrorJSON
}

// DenyJSON answers 429 with {"error": "too many requests",
// "retry_after_s": N}; Retry-After is set by [WriteHeaders].
func DenyJSON(w http.ResponseWriter, _ *http.Request, d Decision) {
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"error":         "too many requests",
		"retry_after_s": max(ceilSeconds(d.RetryAfter), 1),
	})
}

// ErrorJSON answers 503 with {"error": "rate limiter unavailable"} and
// Retry-After: 1. It does not show err to the client.
func ErrorJSON(w http.ResponseWriter, _ *http.Request, _ error) {
	w.Header().Set("Retry-After", "1")
	writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "rate limiter unavailable"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
