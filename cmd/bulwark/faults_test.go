package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/gateway"
)

// Process-level fault tests: the real `bulwark serve` under signals, a full
// log disk and a Redis that goes away, each under bounded load.

// slowBackend is an upstream on 127.0.0.1 that accepts every login and
// answers everything else after delay.
func slowBackend(t *testing.T, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if !strings.HasSuffix(r.URL.Path, "/login") {
			time.Sleep(delay)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return "http://" + ln.Addr().String()
}

// loginClient logs in at base and returns a client holding the cookie and the
// CSRF token.
func loginClient(t *testing.T, base, user, password string) *httpClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &httpClient{hc: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	code, body := c.post(t, base+"/api/auth/login", `{"username":"`+user+`","password":"`+password+`"}`)
	if code != 200 {
		t.Fatalf("login = %d %v", code, body)
	}
	c.token, _ = body["csrf_token"].(string)
	return c
}

// outcome is one request of a load loop.
type outcome struct {
	start  time.Time
	status int // 0: no answer
	reason string
	reqID  string
	err    error
}

// send posts body with c's session and token and records the outcome.
func (c *httpClient) send(url, body string) outcome {
	o := outcome{start: time.Now()}
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.token)
	res, err := c.hc.Do(req)
	if err != nil {
		o.err = err
		return o
	}
	defer res.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(res.Body)
	if json.Unmarshal(raw, &m) != nil {
		o.err = fmt.Errorf("answer %d is not JSON: %q", res.StatusCode, raw)
	}
	o.status, o.reqID = res.StatusCode, res.Header.Get("X-Request-Id")
	o.reason, _ = m["reason"].(string)
	return o
}

func TestFaultSIGTERMUnderLoad(t *testing.T) {
	// In-flight requests finish, new ones are refused cleanly, the process
	// exits 0, and every answered request is in logs/api.log.
	dir := t.TempDir()
	up := slowBackend(t, 200*time.Millisecond)
	srv := bulwark(t, dir, []string{"SESSION_SECRET_KEY=" + strings.Repeat("s", 40)}, "",
		"serve", "--addr", "127.0.0.1:0", "--upstream", up, "--session-store", "memory")
	base := srv.start(t)
	c := loginClient(t, base, "alice", "any")

	const workers, perWorker = 8, 40 // bounded: at most 320 requests
	var signalled atomic.Int64       // unix nanoseconds of SIGTERM
	var mu sync.Mutex
	var outs []outcome
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range perWorker {
				o := c.send(base+"/api/items", `{"name":"widget"}`)
				mu.Lock()
				outs = append(outs, o)
				mu.Unlock()
				if o.err != nil && signalled.Load() != 0 {
					return // the listener is gone: the run is over
				}
			}
		})
	}
	time.Sleep(700 * time.Millisecond)
	signalled.Store(time.Now().UnixNano())
	srv.cmd.Process.Signal(syscall.SIGTERM)
	wg.Wait()
	code := waitExit(t, srv, 30*time.Second)
	if code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0\n%s", code, srv.stderr)
	}

	sig := time.Unix(0, signalled.Load())
	logFile, _ := os.ReadFile(filepath.Join(dir, "logs", "api.log"))
	var ok, refused int
	for _, o := range outs {
		switch {
		case o.err == nil && o.status == 200:
			ok++
			if !bytes.Contains(logFile, []byte(`"req_id":"`+o.reqID+`"`)) {
				t.Errorf("answered request %s is not in logs/api.log", o.reqID)
			}
		case o.err == nil:
			t.Errorf("answer %d %q; want 200 for every answered request", o.status, o.reason)
		case o.start.Before(sig.Add(-50 * time.Millisecond)):
			t.Errorf("request in flight at SIGTERM failed: %v", o.err)
		case !isRefused(o.err):
			t.Errorf("request after SIGTERM: %v, want connection refused", o.err)
		default:
			refused++
		}
	}
	if ok < workers || refused == 0 {
		t.Errorf("%d answered, %d refused; want answers before and refusals after SIGTERM", ok, refused)
	}
	for _, want := range []string{`"msg":"shutting down: finishing in-flight requests"`,
		`"msg":"gateway stopped"`} {
		if !bytes.Contains(logFile, []byte(want)) {
			t.Errorf("logs/api.log lacks %s", want)
		}
	}
}

// isRefused reports whether err is a refused or reset connection: what a
// client sees from a server that no longer accepts.
func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || strings.Contains(err.Error(), "server closed idle connection")
}

// waitExit waits for the process to end by itself and returns its code.
func waitExit(t *testing.T, c *cli, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(limit):
		c.cmd.Process.Kill()
		<-done
		t.Fatalf("bulwark did not exit within %v", limit)
	}
	return -1
}

func TestFaultLogDiskFull(t *testing.T) {
	// logs/ is a 64 KiB tmpfs filled to the brim: the gateway keeps
	// answering, says on stderr that the file fails, and recovers when
	// space comes back.
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root: run the tests as root (CI does)")
	}
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.MkdirAll(logs, 0o750)
	if err := syscall.Mount("tmpfs", logs, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("mount tmpfs: %v (needs CAP_SYS_ADMIN in this namespace)", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(logs, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", logs, err)
		}
	})
	filler := filepath.Join(logs, "filler")
	f, _ := os.Create(filler)
	for {
		if _, err := f.Write(make([]byte, 4096)); err != nil {
			break // ENOSPC: the disk is full
		}
	}
	f.Close()

	srv := bulwark(t, dir, []string{"SESSION_SECRET_KEY=" + strings.Repeat("d", 40)}, "",
		"serve", "--addr", "127.0.0.1:0", "--session-store", "memory")
	base := srv.start(t)
	defer srv.stop(t)
	get := func(n int) {
		for range n {
			res, err := http.Get(base + "/healthz")
			if err != nil {
				t.Fatalf("GET /healthz with a full log disk: %v", err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET /healthz with a full log disk = %d", res.StatusCode)
			}
		}
	}
	get(50)
	waitFor(t, srv.stderr, "log file write failed; logging to standard error only")
	if n := strings.Count(srv.stderr.String(), "log file write failed"); n != 1 {
		t.Errorf("%d 'log file write failed' lines for 50 requests, want 1 (no flood)", n)
	}
	os.Remove(filler)
	get(5)
	waitFor(t, srv.stderr, "log file writable again")
}

// waitFor waits up to 5 s for want to appear in b.
func waitFor(t *testing.T, b *syncBuffer, want string) {
	t.Helper()
	for range 250 {
		if strings.Contains(b.String(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("stderr lacks %q:\n%s", want, tail(b.String(), 2000))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// ownRedis starts a redis-server this test may stop and start again.
type ownRedis struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

func newOwnRedis(t *testing.T) *ownRedis {
	bin := os.Getenv("BULWARK_REDIS_SERVER")
	if bin == "" {
		bin, _ = exec.LookPath("redis-server")
	}
	if bin == "" {
		t.Skip("redis-server not found: install Debian's redis-server (.ci/run does)")
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	r := &ownRedis{t: t, bin: bin, port: ln.Addr().(*net.TCPAddr).Port, dir: t.TempDir()}
	ln.Close()
	r.start()
	t.Cleanup(func() {
		if r.cmd != nil {
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	return r
}

func (r *ownRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *ownRedis) start() {
	r.cmd = exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--save", "",
		"--appendonly", "yes", "--dir", r.dir)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatal("redis-server did not start")
}

func (r *ownRedis) stop() {
	r.cmd.Process.Signal(os.Interrupt) // it rewrites its AOF and exits
	r.cmd.Wait()
	r.cmd = nil
}

func TestFaultRedisRestartUnderLoad(t *testing.T) {
	// Two gateways share a Redis that stops and starts again while
	// clients keep chatting: every answer is 200 or 503 JSON, nothing
	// hangs, both recover, and no goroutines pile up.
	rd := newOwnRedis(t)
	gw := startInstances(t, 2, rd.url(),
		"rate_limits:\n  per_ip: {rate: 0}\n  per_session: {rate: 0}\n  chat: {rate: 0}\n")
	c := loginClient(t, gw[0].base, "alice", "alice-password")
	before := [2]float64{goroutines(t, gw[0].base), goroutines(t, gw[1].base)}

	var phase atomic.Int32 // 0 up, 1 down, 2 back
	var mu sync.Mutex
	got := map[string]int{}
	recovered := [2]atomic.Bool{}
	var wg sync.WaitGroup
	stopLoad := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := 0; i < 2000; i++ { // bounded in count, and by stopLoad
				select {
				case <-stopLoad:
					return
				default:
				}
				g := (w + i) % 2
				o := c.send(gw[g].base+"/api/chat", `{"message":"how warm is it today?"}`)
				key := fmt.Sprintf("%d %s", o.status, o.reason)
				if o.err != nil {
					key = "error: " + o.err.Error()
				}
				mu.Lock()
				got[key]++
				mu.Unlock()
				if phase.Load() == 2 && o.status == 200 {
					recovered[g].Store(true)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	time.Sleep(time.Second)
	rd.stop()
	phase.Store(1)
	time.Sleep(1500 * time.Millisecond)
	rd.start()
	phase.Store(2)
	deadline := time.Now().Add(15 * time.Second)
	for !(recovered[0].Load() && recovered[1].Load()) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	close(stopLoad)
	wg.Wait()
	c.hc.CloseIdleConnections()

	t.Logf("answers: %v", got)
	for k := range got {
		if k != "200 " && k != "503 store_unavailable" {
			t.Errorf("answer %q (%d times); want only 200 and 503 store_unavailable", k, got[k])
		}
	}
	if !recovered[0].Load() || !recovered[1].Load() {
		t.Fatalf("not both gateways recovered within 15 s of Redis coming back: %v %v",
			recovered[0].Load(), recovered[1].Load())
	}
	if got["503 store_unavailable"] == 0 {
		t.Error("no 503 during the outage: the outage was not observed")
	}
	for i, g := range gw {
		var after float64
		for range 50 { // connections close asynchronously
			if after = goroutines(t, g.base); after <= before[i]+10 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if after > before[i]+10 {
			t.Errorf("gateway %d: %v goroutines after the outage, %v before", i, after, before[i])
		}
	}
}

// goroutines reads go_goroutines from the gateway's /metrics.
func goroutines(t *testing.T, base string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	t.Fatal("/metrics has no go_goroutines")
	return 0
}

// FuzzDotEnv reads any .env file: an error or variables, never a crash,
// and keys never hold spaces.
func FuzzDotEnv(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B='x y'\n# c\n", "C=\"q\"\r\nD", "=v\n", "K V=1",
		strings.Repeat("X", 70000) + "=1\n"} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(dir, ".env")
		os.WriteFile(p, []byte(body), 0o600)
		vars, err := readDotEnv(p)
		if err != nil {
			return
		}
		for k := range vars {
			if k == "" || strings.ContainsAny(k, " \t") {
				t.Fatalf("key %q from %q", k, body)
			}
		}
	})
}

// FuzzConfigFile loads any YAML or TOML configuration: an error or a
// configuration, never a crash.
func FuzzConfigFile(f *testing.F) {
	for _, s := range []string{"addr: 127.0.0.1:0\n", "rate_limits:\n  chat: {rate: 1, per: 1m}\n",
		"session:\n  stroe: x\n", "timeouts: {read: -1s}\n", "a: &a [*a, *a]\n", "[session]\nsecure = true\n"} {
		f.Add(s, s[0] == '[')
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body string, isTOML bool) {
		p := filepath.Join(dir, "c.yaml")
		if isTOML {
			p = filepath.Join(dir, "c.toml")
		}
		os.WriteFile(p, []byte(body), 0o600)
		cfg := gateway.DefaultConfig()
		if loadConfigFile(&cfg, p) == nil {
			cfg.Validate() // must not panic on whatever was decoded
		}
	})
}

// FuzzScanJSONL runs `bulwark scan --jsonl` on any input: exit 0, 1 or 2,
// and every line written is one JSON verdict.
func FuzzScanJSONL(f *testing.F) {
	for _, s := range []string{`{"id":"1","text":"hello"}` + "\n", `{"id":"2","text":"' OR 1=1 --"}`,
		"{\"id\":\"3\",\"text\":\"\xff\"}\n", "not json\n", `{"id":4}` + "\n", "\n\n", `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var out, errOut bytes.Buffer
		code := run([]string{"scan", "--jsonl"}, strings.NewReader(in), &out, &errOut)
		if code < 0 || code > 2 {
			t.Fatalf("exit %d for %q", code, in)
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var v struct {
				Allowed *bool `json:"allowed"`
			}
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil || v.Allowed == nil {
				t.Fatalf("line %q for input %q is not a verdict", sc.Text(), in)
			}
		}
	})
}
