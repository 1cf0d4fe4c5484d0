package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/ratelimit"
	"github.com/bulwarkhq/bulwark/session"
	"github.com/bulwarkhq/bulwark/sign"
)

// Headers the gateway sets on forwarded requests. Incoming copies are
// removed first, so a client cannot claim to be someone.
const (
	headerUser      = "X-Bulwark-User"
	headerRequestID = "X-Request-Id"
)

// maxLoginAnswer bounds the upstream login answer the gateway reads to add
// the CSRF token to it.
const maxLoginAnswer = 1 << 20

func (g *Gateway) newProxy(u *url.URL) *httputil.ReverseProxy {
	t := &http.Transport{
		Proxy:                 nil, // never send backend traffic through an environment proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: time.Duration(g.cfg.Timeouts.Upstream),
		TLSHandshakeTimeout:   5 * time.Second,
	}
	var rt http.RoundTripper = t
	if g.cfg.Signing.KeyID != "" {
		rt = &sign.Transport{Base: t, KeyID: g.cfg.Signing.KeyID, Key: g.d.SigningKey,
			MaxBodyBytes: g.cfg.BodyLimit}
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.SetXForwarded()
			out := pr.Out
			for k := range out.Header {
				if strings.HasPrefix(strings.ToLower(k), "x-bulwark-") {
					out.Header.Del(k)
				}
			}
			out.Header.Set(headerRequestID, info(pr.In).id)
			if s, ok := session.FromContext(pr.In.Context()); ok {
				out.Header.Set(headerUser, s.User)
			}
			stripCookie(out, g.d.Sessions.CookieName(pr.In))
		},
		Transport:    rt,
		ErrorHandler: g.upstreamError,
		BufferPool:   copyBuffers{},
	}
}

// copyBuffers lends the proxy its 32 KiB copy buffers, which it would
// otherwise allocate and clear for every answer.
type copyBuffers struct{}

var copyBufferPool = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (copyBuffers) Get() []byte { return copyBufferPool.Get().(*[32 << 10]byte)[:] }

func (copyBuffers) Put(b []byte) {
	if len(b) == 32<<10 {
		copyBufferPool.Put((*[32 << 10]byte)(b))
	}
}

// stripCookie removes the gateway's session cookie from a forwarded request:
// the backend has no use for it and must not be able to leak it.
func stripCookie(r *http.Request, name string) {
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, c := range cookies {
		if c.Name != name {
			r.AddCookie(c)
		}
	}
}

// upstreamError answers 502, or 504 when the upstream was too slow.
func (g *Gateway) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	status, kind, msg := http.StatusBadGateway, "unreachable", "upstream unavailable"
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		status, kind, msg = http.StatusGatewayTimeout, "timeout", "upstream did not answer in time"
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		kind = "client_gone"
	}
	g.metrics.UpstreamError.WithLabelValues(kind).Inc()
	g.log.Warn("upstream request failed", "req_id", info(r).id, "kind", kind, "error", err)
	g.deny(w, r, &httpjson.Error{Status: status, Msg: msg, Reason: "upstream_" + kind})
}

// forward sends a request to the upstream after the detection layers have
// passed its body.
func (g *Gateway) forward(w http.ResponseWriter, r *http.Request) {
	if !g.inspectForward(w, r) {
		return
	}
	g.proxy.ServeHTTP(w, r)
}

// bufferBody reads the whole (already size-limited) body and puts a fresh
// reader back so it can still be forwarded.
func bufferBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return b, nil
}

// recorder keeps an upstream answer in memory so the gateway can amend it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	over   bool
}

func (rc *recorder) Header() http.Header { return rc.header }
func (rc *recorder) WriteHeader(code int) {
	if rc.status == 0 {
		rc.status = code
	}
}
func (rc *recorder) Write(b []byte) (int, error) {
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	if rc.body.Len()+len(b) > maxLoginAnswer {
		rc.over = true
		return 0, errors.New("upstream login answer too large")
	}
	return rc.body.Write(b)
}

// relay copies a recorded answer to w.
func relay(w http.ResponseWriter, rc *recorder) {
	for k, v := range rc.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rc.status)
	w.Write(rc.body.Bytes())
}

// proxyLogin forwards the login to the upstream; when it answers 2xx the
// gateway starts a fresh session and adds csrf_token to the JSON answer.
func (g *Gateway) proxyLogin(w http.ResponseWriter, r *http.Request) {
	body, err := bufferBody(r)
	if err != nil {
		g.deny(w, r, g.bodyError(err))
		return
	}
	user := loginUser(r, body)
	ip := g.clientIP(r)
	if !g.loginAllowed(w, r, user, ip) {
		return
	}
	rc := &recorder{header: http.Header{}}
	g.proxy.ServeHTTP(rc, r)
	if rc.over {
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadGateway, Msg: "upstream login answer too large",
			Reason: "upstream_bad_answer"})
		return
	}
	if rc.status < 200 || rc.status > 299 {
		if rc.status == http.StatusUnauthorized || rc.status == http.StatusForbidden {
			g.metrics.Logins.WithLabelValues("failed").Inc()
			g.log.Info("login failed", "req_id", info(r).id, "user", user, "remote_addr", r.RemoteAddr,
				"upstream_status", rc.status)
			if g.d.Logins != nil {
				g.d.Logins.Failed(r.Context(), user, ip) // an error here was logged by Check
			}
		}
		relay(w, rc)
		return
	}
	var extra map[string]any
	if strings.Contains(rc.header.Get("Content-Type"), "json") {
		json.Unmarshal(rc.body.Bytes(), &extra) // a non-object answer is replaced by the gateway's
	}
	for k, v := range rc.header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Type", "Content-Encoding":
		default:
			w.Header()[k] = v
		}
	}
	if user == "" {
		if u, ok := extra["username"].(string); ok {
			user = u
		}
	}
	g.startSession(w, r, user, ip, extra)
}

// loginUser finds the user name in a login body, JSON or form.
func loginUser(r *http.Request, body []byte) string {
	if isJSON(r) {
		var c struct {
			Username string `json:"username"`
			Email    string `json:"email"`
		}
		json.Unmarshal(body, &c)
		if c.Username != "" {
			return c.Username
		}
		return c.Email
	}
	if v, err := url.ParseQuery(string(body)); err == nil {
		return v.Get("username")
	}
	return ""
}

// proxyLogout ends the gateway session and forwards the logout so the backend
// can end its own.
func (g *Gateway) proxyLogout(w http.ResponseWriter, r *http.Request) {
	if s, ok := session.FromContext(r.Context()); ok {
		if !g.endSession(w, r, s) {
			return
		}
	}
	g.proxy.ServeHTTP(w, r)
}

// clientIP is the address the request came from: the peer, or the client a
// trusted proxy names in X-Forwarded-For or Forwarded.
func (g *Gateway) clientIP(r *http.Request) netip.Addr {
	return ratelimit.ClientIP(r, g.trusted)
}
