// Package csrf refuses cross-site request forgery in two layers.
//
// [Origins], the first layer, wraps [http.CrossOriginProtection]: browsers
// say where a request comes from (Sec-Fetch-Site, Origin), and unsafe
// requests from another origin are refused unless that origin is trusted.
// It needs no session and so also covers the login route.
//
// [Protection], the second layer, asks every unsafe request for a token
// bound to its session: an HMAC-SHA256 of the session id, handed out masked
// with a fresh random pad so that it never repeats in a response body
// (BREACH). It catches what the first layer cannot see, such as requests
// from old browsers that send neither header.
//
// Both layers report why they refused with the exported errors, which the
// caller maps to a response, a log line and a metric. The package itself
// does not log.
package csrf

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Reasons for refusing a request. Errors returned by this package match
// exactly one of them with [errors.Is].
var (
	ErrTokenMissing = errors.New("csrf: token missing")
	ErrTokenInvalid = errors.New("csrf: token invalid")
	ErrCrossOrigin  = errors.New("csrf: cross-origin request")
	ErrNoSession    = errors.New("csrf: no session")
)

// Label returns a short snake_case name for the reason err carries, for
// metric labels and log attributes: "token_missing", "token_invalid",
// "cross_origin", "no_session", or "" for any other error.
func Label(err error) string {
	switch {
	case errors.Is(err, ErrTokenMissing):
		return "token_missing"
	case errors.Is(err, ErrTokenInvalid):
		return "token_invalid"
	case errors.Is(err, ErrCrossOrigin):
		return "cross_origin"
	case errors.Is(err, ErrNoSession):
		return "no_session"
	}
	return ""
}

type reasonKey struct{}

// Reason returns why a request was refused, inside a deny handler set with
// SetDenyHandler; it returns nil for requests that were not refused.
func Reason(r *http.Request) error {
	err, _ := r.Context().Value(reasonKey{}).(error)
	return err
}

// deny calls h, or the default JSON responder when h is nil, with a copy of
// r that carries err for [Reason].
func deny(h *http.Handler, w http.ResponseWriter, r *http.Request, err error) {
	r = r.WithContext(context.WithValue(r.Context(), reasonKey{}, err))
	if h == nil {
		defaultDeny(w, r)
		return
	}
	(*h).ServeHTTP(w, r)
}

// defaultDeny answers 403 with {"error": "<reason>"}.
func defaultDeny(w http.ResponseWriter, r *http.Request) {
	msg := "csrf: forbidden"
	for _, e := range []error{ErrTokenMissing, ErrTokenInvalid, ErrCrossOrigin, ErrNoSession} {
		if errors.Is(Reason(r), e) {
			msg = e.Error()
			break
		}
	}
	body, _ := json.Marshal(map[string]string{"error": msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusForbidden)
	w.Write(append(body, '\n'))
}
