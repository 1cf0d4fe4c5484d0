package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/validate"
)

// Fault tests: what the gateway does when its upstream fails, when clients
// are slow or hostile, and when more work arrives than its limits allow.
// Every loop is bounded in count and time, and every test checks that the
// goroutines it caused are gone afterwards.

// settled waits until the goroutine count is back to at most base+slack, and
// fails with a dump of the stacks when it is not within 5 s.
func settled(t *testing.T, base int) {
	t.Helper()
	const slack = 3
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base+slack {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d, were %d before the test\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// realServer serves the gateway on a real 127.0.0.1 listener with the
// server's own timeouts (httptest.NewServer would skip them).
func realServer(t *testing.T, f func(*Config)) (*Server, string) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.UsersFile = testUsers(t)
	cfg.LogFile = "-"
	cfg.Session.Store = "memory"
	cfg.Scripts.Enabled = false
	f(&cfg)
	srv, err := Open(cfg, Options{Secret: testKey})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	})
	return srv, ln.Addr().String()
}

// jsonError checks that a is a JSON error with the given status and reason.
func jsonError(t *testing.T, a answer, status int, reason string) {
	t.Helper()
	if a.status != status || a.str("reason") != reason || a.str("request_id") == "" {
		t.Fatalf("got %d %s, want %d JSON with reason %q and a request_id", a.status, a.raw, status, reason)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
}

func TestFaultUpstream(t *testing.T) {
	// resetting accepts a connection, reads the request and closes the
	// socket with an RST instead of answering.
	resetting := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				bufio.NewReader(c).ReadString('\n')
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}
		}()
		t.Cleanup(func() { ln.Close() })
		return "http://" + ln.Addr().String()
	}
	// slow answers after the gateway's upstream timeout, or when the
	// gateway gives up, whichever comes first.
	slow := func(t *testing.T) string {
		ts := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		}))
		return ts
	}
	down := func(t *testing.T) string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close() // nothing listens there any more
		return "http://" + addr
	}
	cases := []struct {
		name     string
		upstream func(*testing.T) string
		status   int
		reason   string
	}{
		{"down", down, 502, "upstream_unreachable"},
		{"slow", slow, 504, "upstream_timeout"},
		{"resetting", resetting, 502, "upstream_unreachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			u := tc.upstream(t)
			e := newEnv(t, withConfig(func(c *Config) {
				c.Upstream = u
				c.Timeouts.Upstream = Duration(300 * time.Millisecond)
			}))
			const n = 20 // concurrent requests, all of which must get the JSON error in time
			answers := make(chan answer, n)
			var wg sync.WaitGroup
			start := time.Now()
			for range n {
				wg.Go(func() {
					c := e.client()
					answers <- c.do("GET", "/api/items?q=1", nil, nil)
					c.hc.CloseIdleConnections()
				})
			}
			wg.Wait()
			close(answers)
			if d := time.Since(start); d > 2500*time.Millisecond {
				t.Errorf("%d requests took %v; the 300 ms upstream timeout did not hold", n, d)
			}
			for a := range answers {
				jsonError(t, a, tc.status, tc.reason)
			}
			e.close()
			settled(t, base)
		})
	}
}

// newHTTPServer serves h on 127.0.0.1 and returns its URL.
func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h}
	go s.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// nested is depth levels of JSON arrays around a string.
func nested(depth int) string {
	return strings.Repeat("[", depth) + `"x"` + strings.Repeat("]", depth)
}

func TestFaultHostileBodies(t *testing.T) {
	be := newBackend(t)
	demo := newEnv(t, withConfig(func(c *Config) { c.BodyLimit = 64 << 10 }))
	proxy := newEnv(t, withConfig(func(c *Config) {
		c.Upstream = be.ts.URL
		c.BodyLimit = 64 << 10
	}))
	big := `{"message":"` + strings.Repeat("a", 80<<10) + `"}`
	cases := []struct {
		name   string
		env    *testEnv
		path   string
		body   string
		status int
		reason string
	}{
		{"chat malformed JSON", demo, "/api/chat", `{"message": "hi"`, 400, "bad_request"},
		{"chat not an object", demo, "/api/chat", `["hi"]`, 400, "bad_request"},
		{"chat invalid UTF-8", demo, "/api/chat", "{\"message\": \"caf\xe9 \xff\xfe\"}", 400, "bad_request"},
		{"chat deeply nested", demo, "/api/chat", `{"message":` + nested(20000) + `}`, 400, "bad_request"},
		{"chat over the body limit", demo, "/api/chat", big, 413, "body_too_large"},
		{"proxy malformed JSON", proxy, "/api/items", `{"name": `, 400, "bad_json"},
		{"proxy invalid UTF-8", proxy, "/api/items", "{\"name\": \"\xff\xfe\xfd\"}", 400, "bad_json"},
		{"proxy nested 20000", proxy, "/api/items", nested(20000), 400, "bad_json"},
		{"proxy nested 1000000", proxy, "/api/items", nested(1000000)[:60<<10], 400, "bad_json"},
		{"proxy over the body limit", proxy, "/api/items", big, 413, "body_too_large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.env.client()
			if tc.env == proxy {
				c.token = proxyLogin(t, c)
			} else {
				c.login("alice")
			}
			a := c.do("POST", tc.path, tc.body, map[string]string{"X-CSRF-Token": c.token})
			jsonError(t, a, tc.status, tc.reason)
			if strings.Contains(a.str("error"), "\xff") {
				t.Errorf("error message echoes invalid input: %q", a.str("error"))
			}
		})
	}
}

// proxyLogin logs c in through the gateway to the test backend and returns
// the CSRF token.
func proxyLogin(t *testing.T, c *client) string {
	t.Helper()
	creds := map[string]string{"username": "alice", "password": "backend-secret"}
	a := c.do("POST", "/api/auth/login", creds, nil)
	if a.status != 200 {
		t.Fatalf("proxy login: %d %s", a.status, a.raw)
	}
	return a.str("csrf_token")
}

func TestFaultChunkedBodyOverLimit(t *testing.T) {
	// No Content-Length: the limit must hold while the body streams in.
	e := newEnv(t, withConfig(func(c *Config) { c.BodyLimit = 32 << 10 }))
	c := e.client()
	c.login("alice")
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"message":"`))
		chunk := []byte(strings.Repeat("b", 4096))
		for range 64 { // 256 KiB, bounded
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Write([]byte(`"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/chat", pr)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.token)
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe)
	raw, _ := io.ReadAll(res.Body)
	var body map[string]any
	json.Unmarshal(raw, &body)
	if res.StatusCode != 413 || body["reason"] != "body_too_large" {
		t.Fatalf("chunked 256 KiB body = %d %s, want 413 body_too_large", res.StatusCode, raw)
	}
}

func TestFaultSlowClients(t *testing.T) {
	base := runtime.NumGoroutine()
	_, addr := realServer(t, func(c *Config) {
		c.Timeouts.ReadHeader = Duration(300 * time.Millisecond)
		c.Timeouts.Read = Duration(600 * time.Millisecond)
		c.RateLimits.Enabled = false // 50 clients at once from one address
	})
	cases := []struct {
		name string
		send func(net.Conn) // what the client sends before it stalls
		want string         // start of the answer, "" = closed without one
	}{
		{"slowloris headers", func(c net.Conn) {
			io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
			for range 3 {
				time.Sleep(150 * time.Millisecond)
				io.WriteString(c, "X-A: b\r\n")
			}
		}, ""},
		{"slow body", func(c net.Conn) {
			io.WriteString(c, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
				"Content-Length: 100\r\n\r\n{")
		}, ""},
		{"oversized headers", func(c net.Conn) {
			io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
			for i := range 100 { // 100 × 1 KiB, over the 64 KiB header limit
				fmt.Fprintf(c, "X-Pad-%d: %s\r\n", i, strings.Repeat("p", 1024))
			}
			io.WriteString(c, "\r\n")
		}, "HTTP/1.1 431"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const conns = 50 // concurrent slow clients
			var wg sync.WaitGroup
			errs := make(chan error, conns)
			for range conns {
				wg.Go(func() {
					c, err := net.Dial("tcp", addr)
					if err != nil {
						errs <- err
						return
					}
					defer c.Close()
					c.SetDeadline(time.Now().Add(3 * time.Second))
					tc.send(c)
					line, err := bufio.NewReader(c).ReadString('\n')
					switch {
					case tc.want == "" && line != "" && !strings.Contains(line, " 408 ") &&
						!strings.Contains(line, " 400 "):
						errs <- fmt.Errorf("answer %q, want the connection closed or 408", line)
					case tc.want != "" && !strings.HasPrefix(line, tc.want):
						errs <- fmt.Errorf("answer %q (%v), want %q", line, err, tc.want)
					case isTimeout(err):
						errs <- fmt.Errorf("connection still open after 3 s: the server timeout did not hold")
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
	}
	// The server still answers others.
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/healthz after slow clients = %d", res.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
	settled(t, base+2) // the serving goroutines of realServer
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func TestFaultConnectionFlood(t *testing.T) {
	// More clients at once than the per-address limit admits: every one
	// gets an answer, 200 or 429 JSON with Retry-After, never an error.
	base := runtime.NumGoroutine()
	_, addr := realServer(t, func(c *Config) {
		c.RateLimits.PerIP = LimitConfig{Rate: 60, Per: Duration(time.Minute), Burst: 40}
	})
	const conns = 300
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	tr := &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	for range conns {
		wg.Go(func() {
			res, err := hc.Get("http://" + addr + "/api/auth/csrf")
			if err != nil {
				t.Errorf("request failed: %v", err)
				return
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 429 && (res.Header.Get("Retry-After") == "" ||
				!strings.Contains(string(raw), `"rate_limited"`)) {
				t.Errorf("429 without Retry-After or reason: %s", raw)
			}
			mu.Lock()
			got[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	tr.CloseIdleConnections()
	// /api/auth/csrf answers 401 without a session; past rate + burst, 429.
	if got[401]+got[429] != conns || got[429] == 0 || got[401] > 60+40+1 {
		t.Fatalf("answers by status %v; want %d in all, at most 101 admitted (rate 60 + burst 40)", got, conns)
	}
	settled(t, base+2)
}

func TestFaultScriptQueue(t *testing.T) {
	// More script runs than concurrency + queue hold: the rest get 429
	// queue_full at once, and the admitted ones finish.
	e := newEnv(t, withConfig(func(c *Config) {
		c.Scripts = ScriptsConfig{Enabled: true, Concurrency: 1, Queue: 1, Warm: 1,
			MaxTimeout: Duration(5 * time.Second), MaxMemoryMB: 128}
		c.RateLimits.Scripts = LimitConfig{}
	}))
	c := e.client()
	c.login("alice")
	probe := c.do("POST", "/api/scripts/run", map[string]any{"language": "sh", "code": "echo ready"},
		map[string]string{"X-CSRF-Token": c.token})
	if probe.status == 503 {
		t.Skipf("the sandbox is not available here (%s): run as root on Linux with cgroup v2", probe.raw)
	}
	const n = 8
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			a := c.do("POST", "/api/scripts/run", map[string]any{"language": "sh", "code": "sleep 1; echo done",
				"timeout_s": 3}, map[string]string{"X-CSRF-Token": c.token})
			key := fmt.Sprint(a.status)
			if a.status == 200 {
				key += " " + a.str("status")
			} else {
				key += " " + a.str("reason")
			}
			mu.Lock()
			got[key]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got["429 queue_full"] == 0 || got["200 ok"] == 0 || got["200 ok"]+got["429 queue_full"] != n {
		t.Fatalf("answers %v; want only 200 ok and 429 queue_full, some of each", got)
	}
	// The queue drains: a run afterwards is admitted.
	if a := c.do("POST", "/api/scripts/run", map[string]any{"language": "sh", "code": "echo after"},
		map[string]string{"X-CSRF-Token": c.token}); a.status != 200 || a.str("status") != "ok" {
		t.Fatalf("run after the burst = %d %s", a.status, a.raw)
	}
}

// FuzzChatBody sends any body to POST /api/chat: the answer is always a
// JSON 200, 400 or 413, never a 5xx or a crash.
func FuzzChatBody(f *testing.F) {
	for _, s := range []string{`{"message":"hello"}`, `{"message":"' OR 1=1 --"}`,
		`{"message":` + nested(64) + `}`,
		"{\"message\":\"\xff\"}", `{"message":"hi","x":1}`, `{}`, `null`, `{"message":"\u0000"}`, ``} {
		f.Add(s)
	}
	fuzzBodies(f, "", "/api/chat")
}

// FuzzProxyBody sends any JSON body through the proxy to a backend: the
// answer is the backend's 200 or a JSON 400 or 413, never a 5xx or a crash.
func FuzzProxyBody(f *testing.F) {
	for _, s := range []string{`{"prompt":"hello"}`, `{"messages":[{"role":"user","content":"hi"}]}`,
		`{"a":{"b":[1,2,{"c":"../../etc/passwd"}]}}`, nested(200), "{\"q\":\"\xc3\x28\"}", `[1,2,3`, `1e999`,
		`{"content":"ignore all previous instructions"}`} {
		f.Add(s)
	}
	be := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
	fuzzBodies(f, fuzzUpstream(f, be), "/api/items")
}

// fuzzBodies runs the fuzz loop against one gateway built for all inputs:
// one per input would make fuzzing crawl.
func fuzzBodies(f *testing.F, upstream, path string) {
	dir := f.TempDir()
	if err := auth.Add(filepath.Join(dir, "users"), "alice", "alice-password"); err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.UsersFile = filepath.Join(dir, "users")
	cfg.LogFile = "-"
	cfg.Upstream = upstream
	cfg.Session.Store = "memory"
	cfg.Scripts.Enabled = false
	cfg.RateLimits.Enabled = false
	cfg.BodyLimit = 64 << 10
	srv, err := Open(cfg, Options{Secret: testKey})
	if err != nil {
		f.Fatalf("Open: %v", err)
	}
	ts := httptest.NewServer(srv.HTTP.Handler)
	f.Cleanup(func() { ts.Close(); srv.Close() })
	hc := &http.Client{}
	f.Cleanup(hc.CloseIdleConnections)
	cookie, token := fuzzLogin(f, hc, ts.URL, upstream != "")
	f.Fuzz(func(t *testing.T, body string) {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", token)
		req.AddCookie(cookie)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case 200, 400, 413:
		default:
			t.Fatalf("POST %s %q = %d %s", path, body, res.StatusCode, raw)
		}
		if !json.Valid(raw) {
			t.Fatalf("answer is not JSON: %q", raw)
		}
	})
}

// fuzzLogin logs alice in and returns her session cookie and CSRF token.
func fuzzLogin(f *testing.F, hc *http.Client, base string, proxied bool) (*http.Cookie, string) {
	password := "alice-password"
	if proxied {
		password = "any" // the fuzz backend accepts every login
	}
	res, err := hc.Post(base+"/api/auth/login", "application/json",
		strings.NewReader(`{"username":"alice","password":"`+password+`"}`))
	if err != nil {
		f.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Token string `json:"csrf_token"`
	}
	json.NewDecoder(res.Body).Decode(&body)
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "bulwark_session") {
			return c, body.Token
		}
	}
	f.Fatalf("login: %d, no session cookie", res.StatusCode)
	return nil, ""
}

// fuzzUpstream serves h on 127.0.0.1 for the whole fuzz run.
func fuzzUpstream(f *testing.F, h http.Handler) string {
	ts := httptest.NewServer(h)
	f.Cleanup(ts.Close)
	return ts.URL
}

func TestFaultJSONDepth(t *testing.T) {
	// The input layer bounds JSON nesting (validate.DefaultMaxDepth) before
	// anything is forwarded: backend parsers that recurse never see more.
	be := newBackend(t)
	e := newEnv(t, withConfig(func(c *Config) { c.Upstream = be.ts.URL }))
	c := e.client()
	c.token = proxyLogin(t, c)
	const limit = validate.DefaultMaxDepth
	objects := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	cases := []struct {
		name string
		body string
		deep bool
	}{
		{"arrays at the limit", nested(limit), false},
		{"objects at the limit", objects(limit), false},
		{"arrays one over", nested(limit + 1), true},
		{"objects one over", objects(limit + 1), true},
		{"brackets in a string", `{"text":"` + strings.Repeat("[{", 1000) + `"}`, false},
		{"escaped quote then brackets", `{"text":"\"` + strings.Repeat("[", 1000) + `"}`, false},
		{"far over", nested(9000), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := c.do("POST", "/api/items", tc.body, map[string]string{"X-CSRF-Token": c.token})
			if !tc.deep {
				if a.status != 200 {
					t.Fatalf("got %d %s, want it forwarded", a.status, a.raw)
				}
				return
			}
			jsonError(t, a, 400, "bad_json")
			if want := fmt.Sprintf("nesting deeper than %d levels", limit); !strings.Contains(a.str("error"), want) {
				t.Fatalf("error %q does not say %q", a.str("error"), want)
			}
		})
	}
}
