package gateway

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/auth"
	"github.com/bulwarkhq/bulwark/sandbox"
)

// testKey is a 32-byte development key; tests that rotate use others.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// testEnv is a running gateway with two users, alice and bob.
type testEnv struct {
	t   testing.TB
	srv *Server
	ts  *httptest.Server
	cfg Config
}

type envOption func(*Config, *Options)

func withKeys(cur []byte, prev ...[]byte) envOption {
	return func(_ *Config, o *Options) { o.Secret, o.Previous = cur, prev }
}

func withDataDir(dir string) envOption {
	return func(c *Config, _ *Options) {
		c.DataDir = dir
		c.Session.Store = "bolt"
	}
}

func withConfig(f func(*Config)) envOption { return func(c *Config, _ *Options) { f(c) } }

// usersFile is created once per test binary: bcrypt makes it slow.
var usersDir string

func testUsers(t testing.TB) string {
	t.Helper()
	if usersDir == "" {
		dir, err := osMkdirTemp()
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"alice", "bob"} {
			if err := auth.Add(filepath.Join(dir, "users"), u, u+"-password"); err != nil {
				t.Fatal(err)
			}
		}
		usersDir = dir
	}
	return filepath.Join(usersDir, "users")
}

func newEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.UsersFile = testUsers(t)
	cfg.LogFile = "-"
	cfg.Session.Store = "memory"
	cfg.Scripts.Enabled = false
	o := Options{Secret: testKey, Logger: slog.New(slog.DiscardHandler)}
	for _, f := range opts {
		f(&cfg, &o)
	}
	srv, err := Open(cfg, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ts := httptest.NewServer(srv.HTTP.Handler)
	e := &testEnv{t: t, srv: srv, ts: ts, cfg: cfg}
	t.Cleanup(e.close)
	return e
}

func (e *testEnv) close() {
	if e.ts != nil {
		e.ts.Close()
		e.srv.Close()
		e.ts = nil
	}
}

// client is a browser-like client with its own cookie jar.
type client struct {
	e     *testEnv
	hc    *http.Client
	token string
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar}}
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

// do sends a request; hdr values override defaults. A nil body sends none.
func (c *client) do(method, path string, body any, hdr map[string]string) answer {
	c.e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ct = strings.NewReader(string(j)), "application/json"
	}
	req, err := http.NewRequest(method, c.e.ts.URL+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, raw: string(raw)}
	json.Unmarshal(raw, &a.body)
	return a
}

// login logs in and keeps the token.
func (c *client) login(user string) answer {
	c.e.t.Helper()
	a := c.do("POST", "/api/auth/login", map[string]string{"username": user, "password": user + "-password"}, nil)
	if a.status != 200 {
		c.e.t.Fatalf("login %s: %d %s", user, a.status, a.raw)
	}
	c.token = a.str("csrf_token")
	return a
}

// chat posts a message with the client's token.
func (c *client) chat(msg string) answer {
	c.e.t.Helper()
	return c.do("POST", "/api/chat", map[string]string{"message": msg}, map[string]string{"X-CSRF-Token": c.token})
}

func (c *client) cookie() *http.Cookie {
	u, _ := url.Parse(c.e.ts.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == c.e.cfg.Session.CookieName {
			return ck
		}
	}
	return nil
}

func (c *client) setCookie(v string) {
	u, _ := url.Parse(c.e.ts.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: c.e.cfg.Session.CookieName, Value: v, Path: "/"}})
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "bulwark-gateway-test-") }

func TestMain(m *testing.M) {
	if sandbox.IsInit() { // the sandbox re-executes this binary as its init
		sandbox.InitMain()
	}
	code := m.Run()
	if usersDir != "" {
		os.RemoveAll(usersDir)
	}
	os.Exit(code)
}
