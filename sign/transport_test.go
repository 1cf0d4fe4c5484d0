package sign_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sign"
)

func TestTransport(t *testing.T) {
	v := &sign.Verifier{Keys: sign.Keys{"k1": key1}}
	srv := httptest.NewServer(v.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+string(b))
	})))
	defer srv.Close()
	client := &http.Client{Transport: &sign.Transport{KeyID: "k1", Key: key1}}
	tests := []struct {
		name, method, target, body string
	}{
		{"get", "GET", "/healthz", ""},
		{"post with query", "POST", "/api/chat?b=%7e&a=x+y", `{"message":"hi"}`},
		{"escaped path", "PUT", "/files/a%2Fb/c%20d", "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.target, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := tt.method + " " + tt.target + " " + tt.body
			if resp.StatusCode != 200 || string(got) != want {
				t.Fatalf("status %d body %q, want 200 %q", resp.StatusCode, got, want)
			}
			if req.Header.Get(sign.HeaderSignature) != "" {
				t.Fatal("Transport changed the caller's request headers")
			}
		})
	}
	t.Run("unsigned refused", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
}

// TestTransportBehindReverseProxy runs the setup the gateway uses: a
// reverse proxy whose transport signs, in front of a verifying backend.
func TestTransportBehindReverseProxy(t *testing.T) {
	v := &sign.Verifier{Keys: sign.Keys{"gw": key1}}
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.URL.RequestURI()+" "+string(b))
	})
	backend := httptest.NewServer(v.Handler(echo))
	defer backend.Close()
	target, _ := url.Parse(backend.URL + "/base")
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport: &sign.Transport{KeyID: "gw", Key: key1, MaxBodyBytes: 64},
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"small body", `{"message":"hi"}`, 200, `/base/api/chat?q=a+b {"message":"hi"}`},
		{"body over the signing bound", strings.Repeat("x", 65), http.StatusBadGateway, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(front.URL+"/api/chat?q=a+b", "application/json",
				strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || tt.want != "" && string(got) != tt.want {
				t.Fatalf("status %d body %q, want %d %q", resp.StatusCode, got, tt.status, tt.want)
			}
		})
	}
}
