package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
)

// reqInfo travels with a request through the chain; inner handlers fill in
// what the outer logging middleware reports.
type reqInfo struct {
	id    string
	route string // the mux pattern that matched, for metrics labels
	user  string

	limits     []verdict // rate-limit decisions taken with the session check
	limitsDone bool      // limits were decided already (Redis pipeline)
}

type ctxKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// RequestID returns the id the gateway gave r, or "" outside the gateway.
func RequestID(r *http.Request) string { return info(r).id }

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (flush,
// deadlines) through this wrapper.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives every request an id, recovers panics into 500 JSON, and logs
// and counts the request when it ends.
func (g *Gateway) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: newRequestID(), route: "unmatched"}
		if _, pattern := g.mux.Handler(r); pattern != "" {
			ri.route = pattern
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				g.log.Error("handler panicked", "req_id", ri.id, "panic", fmt.Sprint(p),
					"stack", string(debug.Stack()))
				if sw.status == 0 {
					httpjson.WriteError(sw, &httpjson.Error{Status: 500, Msg: "internal error"}, ri.id)
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			g.metrics.Requests.WithLabelValues(ri.route, r.Method, strconv.Itoa(status)).Inc()
			g.metrics.Latency.WithLabelValues(ri.route).Observe(d.Seconds())
			if g.log.Enabled(r.Context(), slog.LevelInfo) {
				g.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("req_id", ri.id),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", ri.route),
					slog.Int("status", status),
					slog.Int64("bytes", sw.bytes),
					slog.Float64("duration_ms", float64(d.Microseconds())/1000),
					slog.String("remote_addr", r.RemoteAddr),
					slog.String("user", ri.user))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// pageCSP is the Content-Security-Policy of the web pages: nothing inline,
// nothing from elsewhere.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// secure sets the security headers of every answer and bounds request bodies.
func (g *Gateway) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if g.upstream == nil {
			// The gateway's own pages and API: the strict policy. In proxy
			// mode the backend's pages keep the policy the backend sets.
			h.Set("Content-Security-Policy", pageCSP)
		}
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if r.ContentLength > g.cfg.BodyLimit {
			g.deny(w, r, &httpjson.Error{Status: http.StatusRequestEntityTooLarge,
				Msg: fmt.Sprintf("request body over the %d-byte limit", g.cfg.BodyLimit), Reason: "body_too_large"})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, g.cfg.BodyLimit)
		}
		next.ServeHTTP(w, r)
	})
}

// deny answers with a JSON error and logs its internal cause, if any.
func (g *Gateway) deny(w http.ResponseWriter, r *http.Request, e *httpjson.Error) {
	if e.Cause != nil && e.Status >= 500 {
		g.log.Error("request failed", "req_id", info(r).id, "status", e.Status, "error", e.Cause)
	}
	httpjson.WriteError(w, e, info(r).id)
}

// bodyError maps an error from reading a request body to its answer.
func (g *Gateway) bodyError(err error) *httpjson.Error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &httpjson.Error{Status: http.StatusRequestEntityTooLarge,
			Msg: fmt.Sprintf("request body over the %d-byte limit", mb.Limit), Reason: "body_too_large"}
	}
	return &httpjson.Error{Status: http.StatusBadRequest, Msg: "could not read the request body", Reason: "bad_body", Cause: err}
}
