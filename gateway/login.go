package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/session"
)

// LoginGuard slows down repeated failed logins for one user name or one
// client address; [ratelimit.Login] is one.
type LoginGuard interface {
	// Check returns how long the client must wait before trying again, or
	// zero when it may try now.
	Check(ctx context.Context, user string, ip netip.Addr) (time.Duration, error)
	// Failed records a failed attempt.
	Failed(ctx context.Context, user string, ip netip.Addr) (time.Duration, error)
	// Succeeded clears the failures of user.
	Succeeded(ctx context.Context, user string, ip netip.Addr) error
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// readCredentials takes the user name and password from a JSON body or a
// form.
func readCredentials(r *http.Request) (credentials, error) {
	var c credentials
	if isJSON(r) {
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&c); err != nil {
			return c, err
		}
	} else {
		c.Username, c.Password = r.PostFormValue("username"), r.PostFormValue("password")
	}
	if c.Username == "" || c.Password == "" {
		return c, errors.New("username and password are required")
	}
	return c, nil
}

// login handles the login route in demo mode.
func (g *Gateway) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	c, err := readCredentials(r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			g.deny(w, r, g.bodyError(err))
			return
		}
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest,
			Msg: `want {"username": "...", "password": "..."}`, Reason: "bad_request"})
		return
	}
	ip := g.clientIP(r)
	if !g.loginAllowed(w, r, c.Username, ip) {
		return
	}
	if g.d.Users == nil || len(c.Password) > auth.MaxPasswordLen || g.d.Users.Check(c.Username, c.Password) != nil {
		g.loginFailed(w, r, c.Username, ip)
		return
	}
	g.startSession(w, r, c.Username, ip, nil)
}

// loginAllowed applies the login guard; it answers 429 and returns false
// when the client must wait.
func (g *Gateway) loginAllowed(w http.ResponseWriter, r *http.Request, user string, ip netip.Addr) bool {
	if g.d.Logins == nil {
		return true
	}
	wait, err := g.d.Logins.Check(r.Context(), user, ip)
	if err != nil {
		g.metrics.StoreErrors.WithLabelValues("logins", "wait").Inc()
		g.log.Warn("login guard unavailable", "req_id", info(r).id, "error", err)
		g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
			Msg: "login temporarily unavailable, try again shortly", Reason: "store_unavailable"})
		return false
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		g.metrics.Logins.WithLabelValues("throttled").Inc()
		g.events.add(Event{Type: "rate_limit", Layer: "ratelimit", Kind: "login", Path: r.URL.Path, User: user,
			ReqID: info(r).id})
		g.metrics.RateLimited.WithLabelValues(info(r).route).Inc()
		g.log.Info("login throttled", "req_id", info(r).id, "user", user, "remote_addr", r.RemoteAddr,
			"retry_after_s", secs)
		g.deny(w, r, &httpjson.Error{Status: http.StatusTooManyRequests,
			Msg: "too many failed logins, try again later", Reason: "login_throttled"})
		return false
	}
	return true
}

func (g *Gateway) loginFailed(w http.ResponseWriter, r *http.Request, user string, ip netip.Addr) {
	g.metrics.Logins.WithLabelValues("failed").Inc()
	g.events.add(Event{Type: "login_failed", Layer: "auth", Path: r.URL.Path, User: user, ReqID: info(r).id})
	g.log.Info("login failed", "req_id", info(r).id, "user", user, "remote_addr", r.RemoteAddr)
	if g.d.Logins != nil {
		if _, err := g.d.Logins.Failed(r.Context(), user, ip); err != nil {
			g.log.Warn("login guard unavailable", "req_id", info(r).id, "error", err)
		}
	}
	g.deny(w, r, &httpjson.Error{Status: http.StatusUnauthorized, Msg: "invalid username or password",
		Reason: "bad_credentials"})
}

// startSession starts a fresh session for user, whatever cookie came in, and
// answers with the CSRF token. extra fields (proxy mode: the backend's JSON
// answer) are kept in the answer.
func (g *Gateway) startSession(w http.ResponseWriter, r *http.Request, user string, ip netip.Addr,
	extra map[string]any) {
	// Start revokes the session the request carries, if any, and always
	// makes a fresh id, so a planted cookie is worthless after login.
	s, err := g.d.Sessions.Start(w, r, user)
	if err != nil {
		g.metrics.StoreErrors.WithLabelValues("session", "start").Inc()
		g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
			Msg: "session store unavailable, try again shortly", Reason: "store_unavailable", Cause: err})
		return
	}
	if g.d.Logins != nil {
		if err := g.d.Logins.Succeeded(r.Context(), user, ip); err != nil {
			g.log.Warn("login guard unavailable", "req_id", info(r).id, "error", err)
		}
	}
	info(r).user = user
	g.metrics.Logins.WithLabelValues("ok").Inc()
	g.log.Info("login succeeded", "req_id", info(r).id, "user", user, "remote_addr", r.RemoteAddr)
	token := g.d.CSRF.Token(s.ID)
	w.Header().Set("X-CSRF-Token", token)
	w.Header().Set("Cache-Control", "no-store")
	body := map[string]any{}
	for k, v := range extra {
		body[k] = v
	}
	body["success"] = true
	body["csrf_token"] = token
	if _, ok := body["user"]; !ok {
		body["user"] = user
	}
	httpjson.Write(w, http.StatusOK, body)
}

// logout ends the session in demo mode.
func (g *Gateway) logout(w http.ResponseWriter, r *http.Request) {
	s, ok := g.requireSession(w, r)
	if !ok {
		return
	}
	if !g.endSession(w, r, s) {
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"success": true})
}

// endSession revokes s and clears the cookie. It answers 503 and returns
// false when the store fails: a logout that did not revoke must not look
// successful.
func (g *Gateway) endSession(w http.ResponseWriter, r *http.Request, s session.Session) bool {
	if err := g.d.Sessions.End(w, r, s); err != nil {
		g.metrics.StoreErrors.WithLabelValues("session", "revoke").Inc()
		g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
			Msg: "session store unavailable, logout not recorded; try again", Reason: "store_unavailable", Cause: err})
		return false
	}
	g.log.Info("logout", "req_id", info(r).id, "user", s.User)
	return true
}
