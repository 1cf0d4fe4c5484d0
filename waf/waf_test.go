package waf

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// crs loads the rules once for all tests: loading takes about a second.
var crs = sync.OnceValues(func() (*WAF, error) { return New(1) })

func TestNewRejectsParanoia(t *testing.T) {
	for _, pl := range []int{0, 5, -1} {
		t.Run(strconv.Itoa(pl), func(t *testing.T) {
			if _, err := New(pl); err == nil {
				t.Fatalf("New(%d) succeeded, want an error", pl)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	w, err := crs()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		method  string
		target  string
		body    string
		blocked bool
	}{
		{"plain query", "GET", "/api/chat?q=" + url.QueryEscape("what is a join?"), "", false},
		{"sqli query", "GET", "/api/chat?q=" + url.QueryEscape("1' OR '1'='1' --"), "", true},
		{"xss form body", "POST", "/api/chat",
			"message=" + url.QueryEscape("<script>alert(1)</script>"), true},
		{"traversal", "GET", "/files?name=" + url.QueryEscape("../../../../etc/passwd"), "", true},
		{"plain form body", "POST", "/api/chat", "message=hello+there", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotBody string
			reached := false
			next := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				reached = true
				b, _ := io.ReadAll(r.Body)
				gotBody = string(b)
			})
			var denied int
			deny := func(rw http.ResponseWriter, r *http.Request, id int, msg string) {
				denied = id
				if msg == "" {
					t.Error("deny called without a message")
				}
				rw.WriteHeader(http.StatusForbidden)
			}
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
			req.Header.Set("Accept", "text/html")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			w.Handler(next, deny).ServeHTTP(rec, req)
			if blocked := denied != 0; blocked != tt.blocked {
				t.Fatalf("blocked = %v (rule %d), want %v", blocked, denied, tt.blocked)
			}
			if reached == tt.blocked {
				t.Fatalf("next reached = %v for blocked = %v", reached, tt.blocked)
			}
			if reached && gotBody != tt.body {
				t.Fatalf("next read body %q, want %q", gotBody, tt.body)
			}
		})
	}
}

func TestDefaultDeny(t *testing.T) {
	w, err := crs()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/?q="+url.QueryEscape("<script>alert(1)</script>"), nil)
	req.Header.Set("User-Agent", "Mozilla/5.0")
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	w.Handler(http.NotFoundHandler(), nil).ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status = %d, want 403", rec.Code)
	}
}
