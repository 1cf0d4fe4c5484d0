package session

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
)

// handlerState holds the settable parts of [Manager.Handler].
type handlerState struct {
	onError atomic.Pointer[http.Handler]
}

type failureKey struct{}

// Handler returns middleware that loads the session of each request. A
// request with a session reaches next with it in its context (see
// [FromContext] and [IDFromRequest]) and, when the cookie's last-seen time
// is stale, a refreshed cookie on w. A request without a usable session
// reaches next unchanged. When the store fails, the error handler answers
// instead of next, because treating such a request as anonymous would log
// users out whenever the store is down.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := m.Load(r)
		if err == nil {
			s, err = m.Refresh(w, r, s)
		}
		switch {
		case err == nil:
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), s)))
		case errors.Is(err, ErrNoSession):
			next.ServeHTTP(w, r)
		default:
			r = r.WithContext(context.WithValue(r.Context(), failureKey{}, err))
			if h := m.handler.onError.Load(); h != nil {
				(*h).ServeHTTP(w, r)
				return
			}
			storeUnavailable(w, r)
		}
	})
}

// SetErrorHandler sets the handler that answers when [Manager.Handler]
// cannot load a session because the store failed; [Failure] gives it the
// error. With nil (the default) the answer is 503 with the JSON body
// {"error": "session store unavailable"}. It is safe to call concurrently
// with requests.
func (m *Manager) SetErrorHandler(h http.Handler) {
	if h == nil {
		m.handler.onError.Store(nil)
		return
	}
	m.handler.onError.Store(&h)
}

// Failure returns the store error that made [Manager.Handler] call its
// error handler, or nil.
func Failure(r *http.Request) error {
	err, _ := r.Context().Value(failureKey{}).(error)
	return err
}

func storeUnavailable(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Retry-After", "5")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(`{"error":"session store unavailable"}` + "\n"))
}
