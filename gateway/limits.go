package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/ratelimit"
	"github.com/bulwarkhq/bulwark/session"
)

// RateLimitConfig sets the request limits. Each limit is Rate requests per
// Per with Burst extra for an idle client; a zero Rate switches that limit
// off.
type RateLimitConfig struct {
	Enabled bool `yaml:"enabled" toml:"enabled"`
	// OnStoreError says what happens when the shared store (Redis) cannot
	// be reached: "closed" refuses with 503, "open" lets requests through
	// unlimited, "local" falls back to a limit per instance.
	OnStoreError string `yaml:"on_store_error" toml:"on_store_error"`

	PerIP      LimitConfig `yaml:"per_ip" toml:"per_ip"`           // every request, by client address
	Login      LimitConfig `yaml:"login" toml:"login"`             // the login route, by client address
	Chat       LimitConfig `yaml:"chat" toml:"chat"`               // POST /api/chat, by session
	Scripts    LimitConfig `yaml:"scripts" toml:"scripts"`         // POST /api/scripts/run, by session
	PerSession LimitConfig `yaml:"per_session" toml:"per_session"` // every request, by session
}

// LimitConfig is one rate limit.
type LimitConfig struct {
	Rate  int      `yaml:"rate" toml:"rate"`
	Per   Duration `yaml:"per" toml:"per"`
	Burst int      `yaml:"burst" toml:"burst"`
}

func (l LimitConfig) limit() ratelimit.Limit {
	return ratelimit.Limit{Rate: l.Rate, Per: time.Duration(l.Per), Burst: l.Burst}
}

// defaultRateLimits are generous for people and tight for the expensive
// routes.
func defaultRateLimits() RateLimitConfig {
	m := Duration(time.Minute)
	return RateLimitConfig{
		Enabled:      true,
		OnStoreError: "local",
		PerIP:        LimitConfig{Rate: 600, Per: m, Burst: 200},
		Login:        LimitConfig{Rate: 20, Per: m, Burst: 10},
		Chat:         LimitConfig{Rate: 30, Per: m, Burst: 10},
		Scripts:      LimitConfig{Rate: 10, Per: m, Burst: 5},
		PerSession:   LimitConfig{Rate: 300, Per: m, Burst: 100},
	}
}

func (c RateLimitConfig) validate(bad func(key, format string, a ...any)) {
	switch c.OnStoreError {
	case "closed", "open", "local":
	default:
		bad("rate_limits.on_store_error", "want closed, open or local, got %q", c.OnStoreError)
	}
	for _, l := range []struct {
		key string
		v   LimitConfig
	}{{"per_ip", c.PerIP}, {"login", c.Login}, {"chat", c.Chat}, {"scripts", c.Scripts}, {"per_session", c.PerSession}} {
		if l.v.Rate == 0 {
			continue
		}
		if err := l.v.limit().Valid(); err != nil {
			bad("rate_limits."+l.key, "want rate > 0, per ≥ 1s and burst ≥ 0, got rate %d per %v burst %d",
				l.v.Rate, time.Duration(l.v.Per), l.v.Burst)
		}
	}
}

// rule is one limit applied to the requests it matches.
type rule struct {
	name  string // metric label and key prefix
	limit ratelimit.Limit
	key   func(r *http.Request) string // "" = not counted
}

// newLimiter picks the limiter: Redis shared by every instance when a
// client is given, else memory; wrapped by the store-error policy.
func (g *Gateway) newLimiter(shared ratelimit.Limiter) ratelimit.Limiter {
	local := ratelimit.NewMemory(0)
	if shared == nil {
		return local
	}
	onErr := func(err error) {
		g.metrics.StoreErrors.WithLabelValues("ratelimit", "allow").Inc()
		g.log.Warn("rate-limit store unavailable", "policy", g.cfg.RateLimits.OnStoreError, "error", err)
	}
	switch g.cfg.RateLimits.OnStoreError {
	case "open":
		return ratelimit.FailOpen(shared, onErr)
	case "local":
		return ratelimit.Fallback(shared, local, onErr)
	}
	return shared
}

// rules builds the limits of the configuration.
func (g *Gateway) rules() []rule {
	c := g.cfg.RateLimits
	ip := func(r *http.Request) string { return ratelimit.AddrKey(g.clientIP(r)) }
	sid := func(r *http.Request) string {
		if s, ok := session.FromContext(r.Context()); ok {
			return s.ID
		}
		return ""
	}
	on := func(method, path string, key func(*http.Request) string) func(*http.Request) string {
		return func(r *http.Request) string {
			if r.Method != method || r.URL.Path != path {
				return ""
			}
			return key(r)
		}
	}
	all := []rule{
		{"per_ip", c.PerIP.limit(), ip},
		{"per_session", c.PerSession.limit(), sid},
		{"login", c.Login.limit(), on(http.MethodPost, g.cfg.LoginPath, ip)},
		{"chat", c.Chat.limit(), on(http.MethodPost, "/api/chat", sid)},
		{"scripts", c.Scripts.limit(), on(http.MethodPost, "/api/scripts/run", sid)},
	}
	var out []rule
	for _, r := range all {
		if r.limit.Rate > 0 {
			out = append(out, r)
		}
	}
	return out
}

// limits applies every matching rule; the first one over its limit answers
// 429 with Retry-After and the RateLimit headers.
// TODO: each rule is one store round trip, after the session lookup's; the
// issue asks for one pipelined round trip for session and limits together.
func (g *Gateway) limits(next http.Handler) http.Handler {
	if !g.cfg.RateLimits.Enabled {
		return next
	}
	rules := g.rules()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		var tightest ratelimit.Decision
		for _, ru := range rules {
			key := ru.key(r)
			if key == "" {
				continue
			}
			d, err := g.limiter.Allow(r.Context(), ru.name+":"+key, ru.limit)
			if err != nil {
				if errors.Is(err, ratelimit.ErrInvalidLimit) {
					g.log.Error("invalid rate limit", "rule", ru.name, "error", err)
					continue
				}
				g.metrics.StoreErrors.WithLabelValues("ratelimit", "allow").Inc()
				g.log.Warn("rate-limit store unavailable: refusing (on_store_error closed)", "req_id", info(r).id,
					"error", err)
				w.Header().Set("Retry-After", "1")
				g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
					Msg: "rate limiter unavailable, try again shortly", Reason: "store_unavailable"})
				return
			}
			if !d.Allowed {
				ratelimit.WriteHeaders(w, d)
				g.metrics.RateLimited.WithLabelValues(ru.name).Inc()
				g.events.add(Event{Type: "rate_limit", Layer: "ratelimit", Kind: ru.name, Path: r.URL.Path,
					User: info(r).user, ReqID: info(r).id})
				g.log.LogAttrs(r.Context(), slog.LevelInfo, "rate limit exceeded",
					slog.String("req_id", info(r).id), slog.String("rule", ru.name),
					slog.String("remote_addr", r.RemoteAddr), slog.String("user", info(r).user),
					slog.Float64("retry_after_s", d.RetryAfter.Seconds()))
				g.deny(w, r, &httpjson.Error{Status: http.StatusTooManyRequests,
					Msg: fmt.Sprintf("too many requests (%s limit), retry later", ru.name), Reason: "rate_limited"})
				return
			}
			if tightest.Limit.Rate == 0 || d.Remaining < tightest.Remaining {
				tightest = d
			}
		}
		if tightest.Limit.Rate > 0 {
			ratelimit.WriteHeaders(w, tightest)
		}
		next.ServeHTTP(w, r)
	})
}
