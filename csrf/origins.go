package csrf

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// Origins is the origin layer, built on [http.CrossOriginProtection]. An
// unsafe request (not GET, HEAD or OPTIONS) is refused when its
// Sec-Fetch-Site header says it comes from another site, or when it has no
// such header and its Origin header names a host other than the request's
// Host. Requests from trusted origins pass either way.
//
// The zero value is ready to use and trusts no other origin. Origins must
// not be copied after first use.
//
// Security limits: requests that carry neither Sec-Fetch-Site nor Origin
// (old browsers, non-browser clients) are let through; [Protection] covers
// them. Same-site requests from a sibling subdomain pass Sec-Fetch-Site
// only if it says "same-origin", so they are refused too.
type Origins struct {
	cop  http.CrossOriginProtection
	deny atomic.Pointer[http.Handler]
}

// NewOrigins returns an Origins that trusts each of trusted; see
// [Origins.AddTrusted] for their form.
func NewOrigins(trusted []string) (*Origins, error) {
	o := &Origins{}
	for _, origin := range trusted {
		if err := o.AddTrusted(origin); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// AddTrusted lets unsafe requests from origin through. The origin is
// scheme://host[:port] with scheme http or https, an IP address or DNS name
// as host, and no user, path, query or fragment (a single trailing "/" is
// dropped). It is stored as browsers send it: lowercase, without the
// scheme's default port. The error names the value it refused.
func (o *Origins) AddTrusted(origin string) error {
	norm, err := normalizeOrigin(origin)
	if err != nil {
		return fmt.Errorf("csrf: trusted origin %q: %v", origin, err)
	}
	return o.cop.AddTrustedOrigin(norm)
}

func normalizeOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("scheme must be http or https")
	case u.Opaque != "" || u.Host == "":
		return "", fmt.Errorf("want scheme://host[:port]")
	case u.User != nil:
		return "", fmt.Errorf("user information is not allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return "", fmt.Errorf("path, query and fragment are not allowed")
	}
	host := strings.ToLower(u.Hostname())
	if !validHost(host) {
		return "", fmt.Errorf("invalid host %q", host)
	}
	port := u.Port()
	if port == "" && strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("empty port")
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("invalid port %q", port)
		}
		if scheme == "http" && n == 80 || scheme == "https" && n == 443 {
			port = ""
		}
	}
	if port == "" {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		return scheme + "://" + host, nil
	}
	return scheme + "://" + net.JoinHostPort(host, port), nil
}

// validHost reports whether host is an IP address without a zone or a DNS
// name made of letters, digits and hyphens.
func validHost(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Zone() == ""
	}
	if len(host) > 253 {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// AddInsecureBypassPattern exempts requests matching pattern (a
// [http.ServeMux] pattern) from the origin check. Every exempted route is
// open to cross-site forgery unless something else protects it.
func (o *Origins) AddInsecureBypassPattern(pattern string) {
	o.cop.AddInsecureBypassPattern(pattern)
}

// Check returns nil when r may proceed, and an error matching
// [ErrCrossOrigin] that also wraps the reason given by
// [http.CrossOriginProtection] otherwise.
func (o *Origins) Check(r *http.Request) error {
	if err := o.cop.Check(r); err != nil {
		return crossOriginError{err}
	}
	return nil
}

// Handler returns a handler that serves next when [Origins.Check] allows
// the request, and calls the deny handler otherwise.
func (o *Origins) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := o.Check(r); err != nil {
			deny(o.deny.Load(), w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SetDenyHandler sets the handler for refused requests; [Reason] gives it
// the cause. With nil (the default) refusals get a 403 with the JSON body
// {"error": "csrf: cross-origin request"}. It is safe to call concurrently
// with requests.
func (o *Origins) SetDenyHandler(h http.Handler) {
	if h == nil {
		o.deny.Store(nil)
		return
	}
	o.deny.Store(&h)
}

type crossOriginError struct{ cause error }

func (e crossOriginError) Error() string {
	return ErrCrossOrigin.Error() + ": " + e.cause.Error()
}

func (e crossOriginError) Is(target error) bool { return target == ErrCrossOrigin }
func (e crossOriginError) Unwrap() error        { return e.cause }
