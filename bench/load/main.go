// Command load is bulwark's bounded load and soak generator.
//
// It starts a small backend on 127.0.0.1 and `bulwark serve --upstream`
// in front of it, then sends the same realistic mix of requests (benign
// chat, injection and jailbreak attempts, missing and bad CSRF tokens,
// garbage cookies, large bodies, script runs that finish or hit their
// limits) first to the bare backend and then through the gateway. It
// prints requests per second, p50/p99/p99.9 latency and answers by status
// for both, the gateway's cost as ratios, and the gateway's memory,
// goroutines and open files before and after.
//
// With -soak it instead runs the mix through the gateway for that long and
// fails (exit 1) when goroutines, open files, memory, sandbox cgroups,
// mounts or temporary directories grow.
//
//	go run ./bench/load -duration 10s -conns 16
//	go run ./bench/load -soak 10m
//	go run ./bench/load -script-latency 100
//
// With -script-latency N it instead times N script runs per language from
// one client, one after another, against the same interpreter run bare.
//
// Every run is bounded by -duration (or -soak) and by -max requests.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured run")
	flag.IntVar(&o.conns, "conns", 16, "concurrent clients")
	flag.IntVar(&o.max, "max", 500000, "most requests per run")
	flag.BoolVar(&o.scripts, "scripts", true, "include script runs (needs the sandbox: root on Linux)")
	flag.DurationVar(&o.soak, "soak", 0, "run a soak of this length instead of the comparison")
	flag.StringVar(&o.bin, "bulwark", "", "bulwark binary (default: go build ./cmd/bulwark)")
	flag.IntVar(&o.latency, "script-latency", 0, "time this many script runs per language instead")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load: error:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	duration time.Duration
	conns    int
	max      int
	scripts  bool
	soak     time.Duration
	bin      string
	latency  int
}

func run(o options) error {
	work, err := os.MkdirTemp("", "bulwark-load-")
	if err != nil {
		return fmt.Errorf("create work directory: %w", err)
	}
	defer os.RemoveAll(work)
	if o.bin == "" {
		o.bin = filepath.Join(work, "bulwark")
		build := exec.Command("go", "build", "-o", o.bin, "./cmd/bulwark")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build bulwark (run from the repository root): %w", err)
		}
	}
	be, err := startBackend()
	if err != nil {
		return err
	}
	defer be.Close()
	scriptsRate := 600 // per minute: the mix's script runs stay a share of the load
	if o.latency > 0 {
		scriptsRate = 100000
	}
	gw, err := startGateway(o.bin, work, "http://"+be.Addr, scriptsRate)
	if err != nil {
		return err
	}
	defer gw.stop()
	fmt.Printf("load: %d cores, %d clients; backend %s, gateway %s (pid %d)\n",
		numCPU(), o.conns, be.Addr, gw.base, gw.cmd.Process.Pid)
	if o.soak > 0 {
		return soak(o, gw)
	}
	if o.latency > 0 {
		return scriptLatency(o.latency, gw)
	}
	return compare(o, be.Addr, gw)
}

// compare runs the mix without scripts against the bare backend and
// through the gateway, like for like, then the whole mix through the
// gateway, and prints all three and the gateway's cost as ratios.
func compare(o options, backend string, gw *gateway) error {
	plain := newMix(false)
	bare, err := newTarget("http://"+backend, false, o.conns)
	if err != nil {
		return err
	}
	through, err := newTarget(gw.base, true, o.conns)
	if err != nil {
		return err
	}
	before, err := gw.sample()
	if err != nil {
		return err
	}
	rb := drive(bare, plain, o)
	rg := drive(through, plain, o)
	var rs *result
	full := newMix(o.scripts)
	if o.scripts {
		rs = drive(through, full, o)
	}
	through.close()
	bare.close()
	time.Sleep(2 * time.Second) // let connections and script runs wind down
	after, err := gw.sample()
	if err != nil {
		return err
	}
	fmt.Printf("\nmix per 1000 requests: %s\n\n", full)
	rb.print("bare backend, no scripts")
	rg.print("bulwark, no scripts")
	if rs != nil {
		rs.print("bulwark, whole mix")
	}
	fmt.Printf("\nbulwark/bare without scripts: throughput %.2fx, p50 %.2fx, p99 %.2fx\n",
		rg.rps()/rb.rps(), ratio(rg.pct(50), rb.pct(50)), ratio(rg.pct(99), rb.pct(99)))
	fmt.Printf("\ngateway process  %12s %12s\n", "before", "after")
	before.compare(os.Stdout, after)
	return nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// startBackend serves a stand-in for an assistant backend: it accepts every
// login and answers every request with a small JSON reply.
func startBackend() (*http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the backend: %w", err)
	}
	s := &http.Server{Addr: ln.Addr().String(), Handler: http.HandlerFunc(backendHandler),
		ReadHeaderTimeout: 5 * time.Second}
	go s.Serve(ln)
	return s, nil
}

func backendHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/login"):
		io.WriteString(w, `{"username":"load"}`)
	case r.URL.Path == "/api/scripts/run":
		// The gateway runs scripts itself; the bare run answers as a
		// backend that did the same would, without the work.
		io.WriteString(w, `{"status":"ok","exit_code":0}`)
	default:
		fmt.Fprintf(w, `{"reply":"read %d bytes"}`, n)
	}
}

// gateway is a running `bulwark serve`.
type gateway struct {
	cmd  *exec.Cmd
	base string
	dir  string
	tmp  string // the gateway's TMPDIR, watched by the soak
}

const gatewayConfig = `log_file: logs/api.log
session:
  store: memory
rate_limits:
  per_ip: {rate: 0}
  per_session: {rate: 100000, per: 1m, burst: 1000}
  chat: {rate: 100000, per: 1m, burst: 1000}
  scripts: {rate: %d, per: 1m, burst: 20}
scripts:
  max_timeout: 2s
  max_memory_mb: 64
`

// startGateway starts bulwark serve in dir and waits for its address.
func startGateway(bin, dir, upstream string, scriptsRate int) (*gateway, error) {
	g := &gateway{dir: dir, tmp: filepath.Join(dir, "tmp")}
	os.MkdirAll(g.tmp, 0o700)
	config := fmt.Sprintf(gatewayConfig, scriptsRate)
	if err := os.WriteFile(filepath.Join(dir, "bulwark.yaml"), []byte(config), 0o600); err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	g.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--upstream", upstream,
		"--config", "bulwark.yaml")
	g.cmd.Dir = dir
	g.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + g.tmp,
		"SESSION_SECRET_KEY=" + strings.Repeat("L", 40)}
	out, err := g.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return nil, err
	}
	g.cmd.Stderr = stderr
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start bulwark: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		var seen string
		for {
			n, err := out.Read(buf)
			seen += string(buf[:n])
			if _, rest, ok := strings.Cut(seen, "listening on "); ok && strings.Contains(rest, " ") {
				addr <- strings.Fields(rest)[0]
				io.Copy(io.Discard, out)
				return
			}
			if err != nil {
				close(addr)
				return
			}
		}
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			g.cmd.Wait()
			b, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
			return nil, fmt.Errorf("bulwark exited: %s", b)
		}
		g.base = a
	case <-time.After(30 * time.Second):
		g.cmd.Process.Kill()
		g.cmd.Wait()
		return nil, fmt.Errorf("bulwark did not start within 30s")
	}
	return g, nil
}

// stop ends the gateway with SIGINT, then kills it after 30 s.
func (g *gateway) stop() {
	g.cmd.Process.Signal(os.Interrupt)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { g.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		g.cmd.Process.Kill()
		<-done
	}
}
