package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/auth"
)

// instance is one `bulwark serve` process of a multi-instance test.
type instance struct {
	base string
	cli  *cli
}

// startInstances starts n gateways sharing redisURL, one key and one
// users file, with the given extra YAML configuration.
func startInstances(t *testing.T, n int, redisURL, extraYAML string) []instance {
	t.Helper()
	dir := t.TempDir()
	users := filepath.Join(dir, "users")
	if err := auth.Add(users, "alice", "alice-password"); err != nil {
		t.Fatal(err)
	}
	var prefix [6]byte
	rand.Read(prefix[:])
	conf := fmt.Sprintf("redis_url: %s\nredis_prefix: \"test-%s:\"\nusers_file: %s\nlog_file: \"-\"\n"+
		"scripts:\n  enabled: false\n%s", redisURL, hex.EncodeToString(prefix[:]), users, extraYAML)
	os.WriteFile(filepath.Join(dir, "bulwark.yaml"), []byte(conf), 0o600)
	env := []string{"SESSION_SECRET_KEY=" + strings.Repeat("m", 40)}
	var out []instance
	for i := range n {
		idir := filepath.Join(dir, fmt.Sprint(i))
		os.MkdirAll(idir, 0o700)
		c := bulwark(t, idir, env, "", "serve", "--addr", "127.0.0.1:0", "--config", "../bulwark.yaml")
		out = append(out, instance{base: c.start(t), cli: c})
	}
	return out
}

// httpClient is a client with a cookie jar shared across instances: all
// instances listen on 127.0.0.1, so one jar holds the one session cookie.
type httpClient struct {
	hc    *http.Client
	token string
}

func newHTTPClient() *httpClient {
	jar, _ := cookiejar.New(nil)
	return &httpClient{hc: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *httpClient) post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("X-CSRF-Token", c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func redisURL(t *testing.T) string {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		t.Skip("REDIS_URL is not set: start redis-server and export REDIS_URL (.ci/run does both)")
	}
	return u
}

func TestInstancesShareSessions(t *testing.T) {
	gw := startInstances(t, 2, redisURL(t), "")
	a, b := gw[0].base, gw[1].base
	c := newHTTPClient()
	code, body := c.post(t, a+"/api/auth/login", `{"username":"alice","password":"alice-password"}`)
	if code != 200 {
		t.Fatalf("login on A = %d %v", code, body)
	}
	c.token = body["csrf_token"].(string)
	if code, body := c.post(t, b+"/api/chat", `{"message":"hello from B"}`); code != 200 {
		t.Fatalf("chat on B with A's session = %d %v", code, body)
	}
	if code, _ := c.post(t, b+"/api/auth/logout", ``); code != 200 {
		t.Fatalf("logout on B = %d", code)
	}
	if code, _ := c.post(t, a+"/api/chat", `{"message":"still there?"}`); code != 403 {
		t.Fatalf("chat on A after logout on B = %d, want 403", code)
	}
}

func TestInstancesShareRateLimit(t *testing.T) {
	const n = 12
	gw := startInstances(t, 2, redisURL(t), fmt.Sprintf(
		"rate_limits:\n  on_store_error: closed\n  chat: {rate: %d, per: 1m, burst: 0}\n", n))
	c := newHTTPClient()
	_, body := c.post(t, gw[0].base+"/api/auth/login", `{"username":"alice","password":"alice-password"}`)
	c.token, _ = body["csrf_token"].(string)

	var ok, limited, other atomic.Int32
	var wg sync.WaitGroup
	for i := range 3 * n { // bounded: 36 requests over 6 goroutines
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := c.post(t, gw[i%2].base+"/api/chat", `{"message":"count me"}`)
			switch code {
			case 200:
				ok.Add(1)
			case 429:
				limited.Add(1)
			default:
				other.Add(1)
			}
		}()
		if i%6 == 5 {
			wg.Wait()
		}
	}
	wg.Wait()
	if ok.Load() != n || other.Load() != 0 {
		t.Fatalf("admitted %d, limited %d, other %d; want exactly %d admitted across both instances",
			ok.Load(), limited.Load(), other.Load(), n)
	}
}

// TestRedisOutage stops the Redis that two gateways share and starts it
// again: while it is down, sessions fail closed with 503 JSON and /healthz
// says so; afterwards both recover without a restart.
func TestRedisOutage(t *testing.T) {
	server := os.Getenv("BULWARK_REDIS_SERVER")
	if server == "" {
		server, _ = exec.LookPath("redis-server")
	}
	if server == "" {
		t.Skip("redis-server not found: install Debian's redis-server (.ci/run does)")
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	rdir := t.TempDir()
	startRedis := func() *exec.Cmd {
		cmd := exec.Command(server, "--bind", "127.0.0.1", "--port", fmt.Sprint(port), "--save", "",
			"--appendonly", "yes", "--dir", rdir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				c.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("redis-server did not start")
		return nil
	}
	redisProc := startRedis()
	t.Cleanup(func() { redisProc.Process.Kill(); redisProc.Wait() })

	gw := startInstances(t, 2, fmt.Sprintf("redis://127.0.0.1:%d/0", port), "")
	c := newHTTPClient()
	_, body := c.post(t, gw[0].base+"/api/auth/login", `{"username":"alice","password":"alice-password"}`)
	c.token, _ = body["csrf_token"].(string)
	if code, _ := c.post(t, gw[1].base+"/api/chat", `{"message":"what is the weather like today?"}`); code != 200 {
		t.Fatalf("chat before the outage = %d", code)
	}

	redisProc.Process.Signal(os.Interrupt) // redis-server rewrites its AOF and exits
	redisProc.Wait()
	for _, g := range gw {
		code, body := c.post(t, g.base+"/api/chat", `{"message":"and tomorrow?"}`)
		if code != 503 || body["reason"] != "store_unavailable" {
			t.Errorf("chat during the outage = %d %v, want 503 store_unavailable", code, body)
		}
		res, err := http.Get(g.base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 503 {
			t.Errorf("/healthz during the outage = %d, want 503", res.StatusCode)
		}
	}

	redisProc = startRedis()
	deadline := time.Now().Add(15 * time.Second)
	for _, g := range gw {
		for {
			code, _ := c.post(t, g.base+"/api/chat", `{"message":"thanks, and next week?"}`)
			if code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not recover after Redis came back (last %d)", g.base, code)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
