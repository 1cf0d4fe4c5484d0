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
	"github.com/redis/go-redis/v9"
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
	key   func(r *http.Request, sid string) string // "" = not counted; sid is "" without a session
}

// verdict is the decision of one rule for one request.
type verdict struct {
	rule string
	d    ratelimit.Decision
	err  error
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
	ip := func(r *http.Request, _ string) string { return ratelimit.AddrKey(g.clientIP(r)) }
	sid := func(_ *http.Request, sid string) string { return sid }
	on := func(method, path string, key func(*http.Request, string) string) func(*http.Request, string) string {
		return func(r *http.Request, sid string) string {
			if r.Method != method || r.URL.Path != path {
				return ""
			}
			return key(r, sid)
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

// limited reports whether rate limits apply to r at all.
func (g *Gateway) limited(r *http.Request) bool {
	return g.cfg.RateLimits.Enabled && r.URL.Path != "/healthz" && r.URL.Path != "/metrics"
}

// decide asks the limiter for every rule that matches r, one call each.
func (g *Gateway) decide(r *http.Request, sid string) []verdict {
	var out []verdict
	for _, ru := range g.ruleset {
		if key := ru.key(r, sid); key != "" {
			d, err := g.limiter.Allow(r.Context(), ru.name+":"+key, ru.limit)
			out = append(out, verdict{ru.name, d, err})
		}
	}
	return out
}

// limits applies the rate limits. With Redis for both sessions and limits,
// the decisions were already taken in the sessions step, in the same round
// trip as the session check; otherwise they are taken here. The first rule
// over its limit answers 429 with Retry-After and the RateLimit headers.
func (g *Gateway) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.limited(r) {
			next.ServeHTTP(w, r)
			return
		}
		vs, done := info(r).limits, info(r).limitsDone
		if !done {
			sid := ""
			if s, ok := session.FromContext(r.Context()); ok {
				sid = s.ID
			}
			vs = g.decide(r, sid)
		}
		if g.enforceLimits(w, r, vs) {
			next.ServeHTTP(w, r)
		}
	})
}

// enforceLimits answers 429 or 503 and returns false when a verdict refuses
// r; otherwise it sets the headers of the tightest limit.
func (g *Gateway) enforceLimits(w http.ResponseWriter, r *http.Request, vs []verdict) bool {
	var tightest ratelimit.Decision
	for _, v := range vs {
		d, err := v.d, v.err
		if err != nil {
			if errors.Is(err, ratelimit.ErrInvalidLimit) {
				g.log.Error("invalid rate limit", "rule", v.rule, "error", err)
				continue
			}
			g.metrics.StoreErrors.WithLabelValues("ratelimit", "allow").Inc()
			g.log.Warn("rate-limit store unavailable: refusing (on_store_error closed)", "req_id", info(r).id,
				"error", err)
			w.Header().Set("Retry-After", "1")
			g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
				Msg: "rate limiter unavailable, try again shortly", Reason: "store_unavailable"})
			return false
		}
		if !d.Allowed {
			ratelimit.WriteHeaders(w, d)
			g.metrics.RateLimited.WithLabelValues(v.rule).Inc()
			g.events.add(Event{Type: "rate_limit", Layer: "ratelimit", Kind: v.rule, Path: r.URL.Path,
				User: info(r).user, ReqID: info(r).id})
			g.log.LogAttrs(r.Context(), slog.LevelInfo, "rate limit exceeded",
				slog.String("req_id", info(r).id), slog.String("rule", v.rule),
				slog.String("remote_addr", r.RemoteAddr), slog.String("user", info(r).user),
				slog.Float64("retry_after_s", d.RetryAfter.Seconds()))
			g.deny(w, r, &httpjson.Error{Status: http.StatusTooManyRequests,
				Msg: fmt.Sprintf("too many requests (%s limit), retry later", v.rule), Reason: "rate_limited"})
			return false
		}
		if tightest.Limit.Rate == 0 || d.Remaining < tightest.Remaining {
			tightest = d
		}
	}
	if tightest.Limit.Rate > 0 {
		ratelimit.WriteHeaders(w, tightest)
	}
	return true
}

// Batch lets the gateway check the session and take every rate-limit
// decision of a request in one Redis round trip (a pipeline), when both
// live in the same Redis.
type Batch struct {
	Client  redis.UniversalClient
	Store   *session.RedisStore
	Limiter *ratelimit.Redis
}

// loadBatched is Sessions.Load plus the rate-limit decisions, in one
// pipeline. A limit whose pipelined answer failed is asked again through
// the configured store-error policy.
func (g *Gateway) loadBatched(r *http.Request) (session.Session, error) {
	b, ctx := g.d.Batch, r.Context()
	s, perr := g.d.Sessions.Peek(r)
	sid := ""
	if perr == nil {
		sid = s.ID
	}
	pipe := b.Client.Pipeline()
	var alive func() (bool, error)
	if perr == nil {
		alive = b.Store.AlivePipelined(ctx, pipe, s.ID)
	}
	type pending struct {
		ru   rule
		key  string
		read func() (ratelimit.Decision, error)
	}
	var ps []pending
	if g.limited(r) {
		for _, ru := range g.ruleset {
			if key := ru.key(r, sid); key != "" {
				key = ru.name + ":" + key
				ps = append(ps, pending{ru, key, b.Limiter.AllowPipelined(ctx, pipe, key, ru.limit)})
			}
		}
	}
	if alive != nil || len(ps) > 0 {
		pipe.Exec(ctx) // each command carries its own error, read below
	}
	ri := info(r)
	ri.limitsDone = g.limited(r)
	for _, p := range ps {
		d, err := p.read()
		if err != nil && !errors.Is(err, ratelimit.ErrInvalidLimit) {
			d, err = g.limiter.Allow(ctx, p.key, p.ru.limit)
		}
		ri.limits = append(ri.limits, verdict{p.ru.name, d, err})
	}
	if perr != nil {
		return session.Session{}, perr
	}
	ok, err := alive()
	return g.d.Sessions.Check(s, ok, err)
}
