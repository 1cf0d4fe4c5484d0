// Package gateway composes bulwark's layers into one HTTP server: sessions,
// CSRF protection, input validation, intent detection, the script sandbox and
// either the built-in demo assistant or a reverse proxy in front of any
// backend.
//
// The order of the middleware chain is written once, in [Gateway.Handler].
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/csrf"
	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/internal/metrics"
	"github.com/bulwarkhq/bulwark/ratelimit"
	"github.com/bulwarkhq/bulwark/scan"
	"github.com/bulwarkhq/bulwark/script"
	"github.com/bulwarkhq/bulwark/session"
	"github.com/bulwarkhq/bulwark/validate"
	"github.com/bulwarkhq/bulwark/waf"
)

// Deps are the parts the gateway is built from. Sessions, CSRF and Origins
// are required; a nil detection layer is switched off.
type Deps struct {
	Users    *auth.Users // checks logins in demo mode; nil refuses every login
	Sessions *session.Manager
	CSRF     *csrf.Protection
	Origins  *csrf.Origins
	Metrics  *metrics.Metrics // nil = a private registry
	Logger   *slog.Logger     // nil = discard
	Pages    http.Handler     // the web pages at / in demo mode; nil = none
	Logins   LoginGuard       // slows down repeated failed logins; nil = no limit

	Input   InputLayer   // the input layer; nil = off
	Intent  IntentLayer  // the intent layer; nil = off
	Scripts ScriptRunner // runs POST /api/scripts/run; nil = the route answers 503

	// Limiter is the shared rate-limit store (Redis); nil = memory, one
	// instance only.
	Limiter ratelimit.Limiter
	// Health reports the shared store's state for /healthz; nil = none.
	Health func(ctx context.Context) error
	// SigningKey signs forwarded requests when Config.Signing.KeyID is set.
	SigningKey []byte
	// WAF runs the Core Rule Set before bulwark's own layers; nil = off.
	WAF *waf.WAF
	// Batch, when sessions and limits share one Redis, checks both in one
	// round trip; nil = one call each.
	Batch *Batch
}

// ScriptRunner runs untrusted scripts in the sandbox; *script.Runner is one.
type ScriptRunner interface {
	Run(ctx context.Context, req script.Request) (script.Result, error)
}

// InputLayer is the input-validation layer as the gateway uses it;
// *validate.Validator is one.
type InputLayer interface {
	Check(text string, c validate.Context) scan.Verdict
	CheckJSON(body []byte, c validate.Context) (scan.Verdict, error)
	CheckForm(values url.Values, c validate.Context) scan.Verdict
	CheckPath(path string) scan.Verdict
}

// IntentLayer is the intent layer as the gateway uses it; *intent.Detector
// is one.
type IntentLayer interface {
	Check(ctx context.Context, text string) scan.Verdict
	CheckPrompts(ctx context.Context, body []byte, fields []string) (scan.Verdict, error)
}

// Gateway is the HTTP server's handler. Create it with [New].
type Gateway struct {
	cfg      Config
	d        Deps
	log      *slog.Logger
	metrics  *metrics.Metrics
	upstream *url.URL
	proxy    *httputil.ReverseProxy
	mux      *http.ServeMux
	trusted  []netip.Prefix // proxies whose X-Forwarded-For is believed
	events   *eventLog
	limiter  ratelimit.Limiter
	ruleset  []rule
	draining atomic.Bool
	drained  chan struct{} // closed by Drain
	drainOne sync.Once
}

// New checks cfg and builds the gateway.
func New(cfg Config, d Deps) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Sessions == nil || d.CSRF == nil || d.Origins == nil {
		return nil, errors.New("gateway: sessions, CSRF and origin protection are required")
	}
	g := &Gateway{cfg: cfg, d: d, log: d.Logger, metrics: d.Metrics, events: newEventLog(),
		drained: make(chan struct{})}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.metrics == nil {
		g.metrics = metrics.New()
	}
	if cfg.Signing.KeyID != "" && len(d.SigningKey) < 16 {
		return nil, fmt.Errorf("signing: the key in %s must be at least 16 bytes", cfg.Signing.KeyEnv)
	}
	if cfg.Upstream != "" {
		u, err := url.Parse(cfg.Upstream)
		if err != nil {
			return nil, fmt.Errorf("upstream: %v", err)
		}
		g.upstream = u
		g.proxy = g.newProxy(u)
	}
	for _, p := range cfg.TrustedProxies {
		pfx, err := parsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("trusted_proxies: %v", err)
		}
		g.trusted = append(g.trusted, pfx)
	}
	g.limiter = g.newLimiter(d.Limiter)
	g.ruleset = g.rules()
	g.routes()
	return g, nil
}

// routes registers every route. Routes that the gateway answers itself stay
// local in proxy mode; everything else goes to the upstream.
func (g *Gateway) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", g.healthz)
	m.Handle("GET /metrics", g.metrics.Handler())
	m.HandleFunc("GET /api/auth/csrf", g.csrfToken)
	m.HandleFunc("POST /api/scripts/run", g.runScript)
	g.dashboardRoutes(m)
	if g.upstream != nil {
		m.HandleFunc("POST "+g.cfg.LoginPath, g.proxyLogin)
		m.HandleFunc("POST "+g.cfg.LogoutPath, g.proxyLogout)
		m.HandleFunc("/", g.forward)
	} else {
		m.HandleFunc("POST "+g.cfg.LoginPath, g.login)
		m.HandleFunc("POST "+g.cfg.LogoutPath, g.logout)
		m.HandleFunc("POST /api/chat", g.chat)
		if g.d.Pages != nil {
			m.Handle("GET /", g.d.Pages)
		}
	}
	g.mux = m
}

// Handler returns the whole chain, outermost first:
//
//  1. observe: request id, panic recovery, access log and metrics, so every
//     answer below, errors included, is logged and counted once;
//  2. secure: security headers and the body limit, before anything reads a
//     body;
//  3. the optional WAF (Core Rule Set), on every request, before anything
//     else looks at its content;
//  4. origins: cross-origin unsafe requests are refused before any session
//     or credential is looked at (login included);
//  5. sessions: the sealed cookie is opened and checked against the store;
//  6. limits: rate limits by client address, session and route, once the
//     session is known and before any costly work;
//  7. tokens: unsafe methods need the session's CSRF token (except login,
//     which has no session yet and is covered by 4);
//  8. the routes, where the detection layers run on the decoded body.
func (g *Gateway) Handler() http.Handler {
	var h http.Handler = g.mux
	h = g.route(h)
	h = g.tokens(h)
	h = g.limits(h)
	h = g.sessions(h)
	h = g.origins(h)
	if g.d.WAF != nil {
		h = g.d.WAF.Handler(h, g.wafDeny)
	}
	h = g.secure(h)
	h = g.observe(h)
	return h
}

// route answers requests that match no route with a JSON 404 or 405.
func (g *Gateway) route(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info(r).route == "unmatched" {
			h, _ := g.mux.Handler(r)
			// No route: the mux would answer 404 or 405 in plain text.
			rc := &recorder{header: http.Header{}}
			h.ServeHTTP(rc, r)
			if allow := rc.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			g.deny(w, r, &httpjson.Error{Status: rc.status, Msg: strings.ToLower(http.StatusText(rc.status)),
				Reason: "no_route"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// origins is the first CSRF layer: Sec-Fetch-Site and Origin checks.
func (g *Gateway) origins(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.d.Origins.Check(r); err != nil {
			g.csrfDeny(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sessions opens the session cookie, if any, and puts the session in the
// request context. A bad cookie is no session; a store failure is a 503.
func (g *Gateway) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			s   session.Session
			err error
		)
		if g.d.Batch != nil {
			s, err = g.loadBatched(r)
		} else {
			s, err = g.d.Sessions.Load(r)
		}
		switch {
		case err == nil:
			info(r).user = s.User
			if s, err = g.d.Sessions.Refresh(w, r, s); err != nil {
				g.log.Warn("session refresh failed", "req_id", info(r).id, "error", err)
			}
			r = r.WithContext(session.NewContext(r.Context(), s))
		case errors.Is(err, session.ErrNoSession):
		default:
			g.metrics.StoreErrors.WithLabelValues("session", "load").Inc()
			g.log.Warn("session store unavailable", "req_id", info(r).id, "error", err)
			g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
				Msg: "session store unavailable, try again shortly", Reason: "store_unavailable"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokens is the second CSRF layer: the session-bound token on unsafe methods.
func (g *Gateway) tokens(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == g.cfg.LoginPath {
			next.ServeHTTP(w, r)
			return
		}
		if err := g.d.CSRF.Check(r); err != nil {
			g.csrfDeny(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// csrfDeny answers 403 with the reason, logs it with the word CSRF and counts
// it. The token and cookie are never logged.
func (g *Gateway) csrfDeny(w http.ResponseWriter, r *http.Request, err error) {
	reason, msg := csrf.Label(err), "CSRF token invalid"
	switch reason {
	case "cross_origin":
		msg = "cross-origin request refused"
	case "token_missing":
		msg = "CSRF token missing"
	case "no_session":
		msg = "CSRF token missing: log in first"
	case "":
		reason = "token_invalid"
	}
	g.metrics.CSRF.WithLabelValues(reason).Inc()
	g.events.add(Event{Type: "csrf", Layer: "csrf", Kind: reason, Path: r.URL.Path, User: info(r).user,
		ReqID: info(r).id})
	g.log.Info("CSRF check failed", "req_id", info(r).id, "reason", reason, "method", r.Method,
		"path", r.URL.Path, "remote_addr", r.RemoteAddr, "origin", r.Header.Get("Origin"),
		"sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	g.deny(w, r, &httpjson.Error{Status: http.StatusForbidden, Msg: msg, Reason: reason})
}

// wafDeny answers a request the Core Rule Set blocked like any input-layer
// block: 400 JSON with the layer and the rule.
func (g *Gateway) wafDeny(w http.ResponseWriter, r *http.Request, ruleID int, msg string) {
	kind := fmt.Sprintf("crs-%d", ruleID)
	g.metrics.Blocks.WithLabelValues("waf", kind, "block").Inc()
	g.events.add(Event{Type: "block", Layer: "waf", Kind: kind, Detail: msg, Path: r.URL.Path,
		ReqID: info(r).id})
	g.log.Info("input validation failed (WAF rule)", "req_id", info(r).id, "layer", "waf", "rule_id", ruleID,
		"detail", msg, "path", r.URL.Path, "remote_addr", r.RemoteAddr)
	g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "request blocked by the WAF: " + msg,
		Reason: "waf", Layer: "waf", Kind: kind})
}

// Drain makes /healthz answer 503 so load balancers stop sending requests
// while the server shuts down.
func (g *Gateway) Drain() {
	g.draining.Store(true)
	g.drainOne.Do(func() { close(g.drained) })
}

func (g *Gateway) healthz(w http.ResponseWriter, r *http.Request) {
	if g.draining.Load() {
		httpjson.Write(w, http.StatusServiceUnavailable, map[string]any{"status": "draining"})
		return
	}
	mode := "demo"
	if g.upstream != nil {
		mode = "proxy"
	}
	body := map[string]any{"status": "ok", "mode": mode}
	if g.d.Health != nil {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := g.d.Health(ctx); err != nil {
			// Sessions need the store: without it this instance cannot
			// serve logged-in users, so load balancers should skip it.
			// The cause names internal addresses: it goes to the log only.
			g.log.Warn("health check: redis unreachable", "error", err)
			body["status"], body["redis"] = "degraded", "unreachable"
			httpjson.Write(w, http.StatusServiceUnavailable, body)
			return
		}
		body["redis"] = "ok"
	}
	httpjson.Write(w, http.StatusOK, body)
}

// csrfToken answers GET /api/auth/csrf with a fresh masking of the session's
// token.
func (g *Gateway) csrfToken(w http.ResponseWriter, r *http.Request) {
	s, ok := session.FromContext(r.Context())
	if !ok {
		g.deny(w, r, &httpjson.Error{Status: http.StatusUnauthorized, Msg: "login required", Reason: "no_session"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, http.StatusOK, map[string]string{"csrf_token": g.d.CSRF.Token(s.ID)})
}

// requireSession returns the request's session, or answers 401 and returns
// false.
func (g *Gateway) requireSession(w http.ResponseWriter, r *http.Request) (session.Session, bool) {
	s, ok := session.FromContext(r.Context())
	if !ok {
		g.deny(w, r, &httpjson.Error{Status: http.StatusUnauthorized, Msg: "login required", Reason: "no_session"})
	}
	return s, ok
}

// isJSON reports whether the request declares a JSON body.
func isJSON(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/json") || strings.Contains(ct, "+json")
}

// parsePrefix reads "10.0.0.0/8" or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("want an address or CIDR prefix, got %q", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("want an address or CIDR prefix, got %q", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
