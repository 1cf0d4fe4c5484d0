package csrf_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/csrf"
)

func TestNewOriginsValidates(t *testing.T) {
	tests := []struct {
		name    string
		origin  string
		wantErr bool
	}{
		{"https with port", "https://app.example.com:8443", false},
		{"http localhost", "http://localhost:3000", false},
		{"default port", "https://app.example.com:443", false},
		{"trailing slash", "https://app.example.com/", false},
		{"ipv4", "http://127.0.0.1:8080", false},
		{"ipv6", "http://[::1]:8080", false},
		{"uppercase", "HTTPS://APP.example.COM", false},
		{"no scheme", "app.example.com", true},
		{"scheme only", "https://", true},
		{"ftp", "ftp://app.example.com", true},
		{"javascript", "javascript:alert(1)", true},
		{"path", "https://app.example.com/app", true},
		{"query", "https://app.example.com?x=1", true},
		{"empty query", "https://app.example.com?", true},
		{"fragment", "https://app.example.com#top", true},
		{"userinfo", "https://user:pw@app.example.com", true},
		{"wildcard", "https://*.example.com", true},
		{"port zero", "https://app.example.com:0", true},
		{"port too big", "https://app.example.com:70000", true},
		{"empty port", "https://app.example.com:", true},
		{"named port", "https://app.example.com:https", true},
		{"ipv6 zone", "http://[fe80::1%25eth0]:80", true},
		{"underscore host", "https://bad_host.example.com", true},
		{"empty label", "https://app..example.com", true},
		{"empty", "", true},
		{"null", "null", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := csrf.NewOrigins([]string{"https://ok.example.com", tt.origin})
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewOrigins(%q) error = %v, want error %v", tt.origin, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), `"`+tt.origin+`"`) {
				t.Errorf("error %q does not name the bad value %q", err, tt.origin)
			}
		})
	}
}

func TestOriginsCheck(t *testing.T) {
	o, err := csrf.NewOrigins([]string{
		"https://trusted.example.com",
		"HTTPS://Upper.Example.com:443/",
		"http://localhost:3000",
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		method string
		site   string // Sec-Fetch-Site
		origin string
		want   bool // allowed
	}{
		{"safe method cross-site", "GET", "cross-site", "https://evil.example", true},
		{"same-origin", "POST", "same-origin", "https://app.test", true},
		{"user-initiated", "POST", "none", "", true},
		{"no browser headers", "POST", "", "", true},
		{"origin matches host", "POST", "", "https://app.test", true},
		{"sec-fetch-site cross-site", "POST", "cross-site", "https://evil.example", false},
		{"sec-fetch-site cross-site without origin", "DELETE", "cross-site", "", false},
		{"sec-fetch-site same-site", "POST", "same-site", "https://sub.app.test", false},
		{"foreign origin, old browser", "POST", "", "https://evil.example", false},
		{"null origin", "PUT", "", "null", false},
		{"trusted origin cross-site", "POST", "cross-site", "https://trusted.example.com", true},
		{"trusted origin, old browser", "POST", "", "https://trusted.example.com", true},
		{"normalised trusted origin", "POST", "cross-site", "https://upper.example.com", true},
		{"trusted with port", "PATCH", "cross-site", "http://localhost:3000", true},
		{"trusted host, other port", "POST", "cross-site", "http://localhost:3001", false},
		{"trusted host, other scheme", "POST", "cross-site", "http://trusted.example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "https://app.test/api/chat", nil)
			if tt.site != "" {
				r.Header.Set("Sec-Fetch-Site", tt.site)
			}
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			err := o.Check(r)
			if tt.want && err != nil {
				t.Errorf("Check = %v, want allowed", err)
			}
			if !tt.want && !errors.Is(err, csrf.ErrCrossOrigin) {
				t.Errorf("Check = %v, want ErrCrossOrigin", err)
			}
		})
	}
}

func TestOriginsZeroValueAndHandler(t *testing.T) {
	var o csrf.Origins
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	cross := func() *http.Request {
		r := httptest.NewRequest("POST", "https://app.test/api/auth/login", nil)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		return r
	}

	w := httptest.NewRecorder()
	o.Handler(next).ServeHTTP(w, cross())
	checkResponse(t, w, http.StatusForbidden, "csrf: cross-origin request")

	var reason error
	o.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reason = csrf.Reason(r)
		w.WriteHeader(http.StatusTeapot)
	}))
	w = httptest.NewRecorder()
	o.Handler(next).ServeHTTP(w, cross())
	if w.Code != http.StatusTeapot || !errors.Is(reason, csrf.ErrCrossOrigin) {
		t.Errorf("custom deny: status %d, reason %v", w.Code, reason)
	}

	w = httptest.NewRecorder()
	o.Handler(next).ServeHTTP(w, httptest.NewRequest("POST", "https://app.test/", nil))
	if w.Code != http.StatusNoContent {
		t.Errorf("same-origin request: status %d, want 204", w.Code)
	}

	o.AddInsecureBypassPattern("POST /webhook")
	r := cross()
	r.URL.Path = "/webhook"
	if err := o.Check(r); err != nil {
		t.Errorf("bypassed route refused: %v", err)
	}
}
