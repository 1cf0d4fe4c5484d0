//go:build linux

package script_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
	"github.com/bulwarkhq/bulwark/script"
)

var (
	sharedOnce sync.Once
	shared     *script.Runner
	sharedErr  error
)

// runner returns the runner shared by the suite (closed in TestMain), or
// skips when this host cannot sandbox.
func runner(t *testing.T) *script.Runner {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("sandbox tests need root to create cgroups and map users; run as root")
	}
	if c := sandbox.Probe(); !c.UserNamespaces {
		t.Skip("user namespaces unavailable: " + c.UserNSDetail)
	}
	sharedOnce.Do(func() {
		shared, sharedErr = script.NewRunner(script.Config{
			Warm: 2, OutputBytes: 64 << 10, MaxTimeout: 5 * time.Second,
		})
	})
	if sharedErr != nil {
		t.Fatalf("NewRunner: %v", sharedErr)
	}
	return shared
}

func run(t *testing.T, req script.Request) script.Result {
	t.Helper()
	r := runner(t)
	if !hasLanguage(r, req.Language) {
		t.Skipf("%s not installed on this host", req.Language)
	}
	if req.TimeoutS == 0 {
		req.TimeoutS = 2
	}
	res, err := r.Run(context.Background(), req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func hasLanguage(r *script.Runner, lang string) bool {
	for _, l := range r.Languages() {
		if l == lang {
			return true
		}
	}
	return false
}

func expectStatus(t *testing.T, res script.Result, want string) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %q (%s), want %q\nstdout: %.500s\nstderr: %.500s",
			res.Status, res.Reason, want, res.Stdout, res.Stderr)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name    string
		lang    string
		code    string
		timeout float64
		memMB   int
		want    string
		check   func(*testing.T, script.Result)
	}{
		{name: "cpu loop", lang: "python", code: "while True: pass", timeout: 1, want: "timeout"},
		{name: "cpu loop over children", lang: "sh", timeout: 1, want: "timeout",
			code: "for i in 1 2 3 4; do (while :; do :; done) & done; wait"},
		{name: "cpu of children is summed", lang: "python", timeout: 5, want: "ok",
			code: "import os, time\nfor i in range(4):\n    if os.fork() == 0:\n" +
				"        t = time.process_time()\n" +
				"        while time.process_time() - t < 0.3: pass\n        os._exit(0)\n" +
				"for i in range(4): os.wait()",
			check: cpuAtLeast(1200)},
		{name: "ignores signals", lang: "python", timeout: 1, want: "timeout",
			code: "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, " +
				"signal.SIGXCPU):\n    signal.signal(s, signal.SIG_IGN)\nwhile True: pass"},
		{name: "sleeps forever", lang: "python", timeout: 0.5, want: "timeout",
			code: "import time\ntime.sleep(1000)",
			check: func(t *testing.T, r script.Result) {
				if r.WallMS < 900 || r.WallMS > 2000 {
					t.Errorf("wall %d ms, want about twice the 0.5 s CPU limit", r.WallMS)
				}
			}},
		{name: "stops itself", lang: "sh", timeout: 0.5, want: "timeout",
			code: "kill -STOP 0; echo resumed"},
		{name: "memory bomb", lang: "python", memMB: 64, want: "memory_limit",
			code: "a = []\nwhile True: a.append(bytearray(8 << 20))"},
		{name: "memory over children", lang: "python", memMB: 64, want: "memory_limit",
			code: "import os, time\nfor i in range(4):\n    if os.fork() == 0:\n" +
				"        b = b'x' * (24 << 20)\n        time.sleep(1)\n        os._exit(0)\n" +
				"for i in range(4): os.wait()"},
		{name: "fork bomb", lang: "python", timeout: 1, want: "timeout",
			code: "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass"},
		{name: "detached fork bomb", lang: "sh", want: "ok",
			code: "f() { f | f & }; f"},
		{name: "thread bomb", lang: "python", want: "error",
			code: "import threading, time\nwhile True:\n" +
				"    threading.Thread(target=time.sleep, args=(10,), daemon=True).start()",
			check: stderrHas("can't start new thread")},
		{name: "output flood", lang: "python", want: "output_limit",
			code: "import sys\nwhile True:\n    sys.stdout.write('x' * 4096)\n" +
				"    sys.stderr.write('y' * 4096)",
			check: func(t *testing.T, r script.Result) {
				if !r.StdoutTruncated || len(r.Stdout) != 64<<10 {
					t.Errorf("stdout %d bytes, truncated %v; want 64 KiB, true",
						len(r.Stdout), r.StdoutTruncated)
				}
			}},
		{name: "stderr flood", lang: "sh", want: "output_limit",
			code: "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy >&2; done",
			check: func(t *testing.T, r script.Result) {
				if !r.StderrTruncated || len(r.Stderr) != 64<<10 {
					t.Errorf("stderr %d bytes, truncated %v", len(r.Stderr), r.StderrTruncated)
				}
			}},
		{name: "tmp fill", lang: "python", want: "ok", check: stdoutIs("28\n"),
			code: "import itertools\ntry:\n    for i in itertools.count():\n" +
				"        with open('/tmp/big%d' % i, 'wb') as f: f.write(b'x' * (4 << 20))\n" +
				"except OSError as e: print(e.errno)"},
		{name: "many small files", lang: "python", want: "ok", check: stdoutIs("28\n"),
			code: "import os\ntry:\n    for i in range(100000): open('/work/f%d' % i, 'w').close()\n" +
				"except OSError as e: print(e.errno)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, script.Request{Language: tc.lang, Code: tc.code,
				TimeoutS: tc.timeout, MemoryLimitMB: tc.memMB})
			expectStatus(t, res, tc.want)
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

func cpuAtLeast(ms int64) func(*testing.T, script.Result) {
	return func(t *testing.T, r script.Result) {
		t.Helper()
		if r.CPUMS < ms {
			t.Errorf("cpu_ms %d, want at least %d", r.CPUMS, ms)
		}
	}
}

func stdoutIs(want string) func(*testing.T, script.Result) {
	return func(t *testing.T, r script.Result) {
		t.Helper()
		if r.Stdout != want {
			t.Errorf("stdout %q, want %q (stderr %.300s)", r.Stdout, want, r.Stderr)
		}
	}
}

func stderrHas(want string) func(*testing.T, script.Result) {
	return func(t *testing.T, r script.Result) {
		t.Helper()
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr %.300q lacks %q", r.Stderr, want)
		}
	}
}

func TestNetworkIsolation(t *testing.T) {
	runner(t)
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := tcp.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	abstract := fmt.Sprintf("@bulwark-test-%d", os.Getpid())
	unixL, err := net.Listen("unix", abstract)
	if err != nil {
		t.Fatal(err)
	}
	defer unixL.Close()
	go func() {
		if c, err := unixL.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	tcpPort := tcp.Addr().(*net.TCPAddr).Port
	udpPort := udp.LocalAddr().(*net.UDPAddr).Port
	code := fmt.Sprintf(`import socket
def attempt(name, f):
    try:
        f()
        print(name, "open")
    except OSError as e:
        print(name, "blocked")
def tcp():
    socket.create_connection(("127.0.0.1", %d), timeout=1).close()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("127.0.0.1", %d))
    s.settimeout(0.3)
    s.recvfrom(10)
def dns():
    socket.getaddrinfo("example.com", 80)
def abstract():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0%s")
def outside():
    socket.create_connection(("1.1.1.1", 53), timeout=1).close()
for n, f in [("tcp", tcp), ("udp", udp), ("dns", dns), ("abstract", abstract),
              ("outside", outside)]:
    attempt(n, f)
`, tcpPort, udpPort, abstract[1:])
	res := run(t, script.Request{Language: "python", Code: code})
	expectStatus(t, res, "ok")
	want := "tcp blocked\nudp blocked\ndns blocked\nabstract blocked\noutside blocked\n"
	if res.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", res.Stdout, want)
	}
	udp.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, _, err := udp.ReadFrom(make([]byte, 10)); err == nil {
		t.Error("a UDP datagram reached the host")
	}
	select {
	case <-accepted:
		t.Error("a connection reached a host listener")
	case <-time.After(50 * time.Millisecond):
	}
}

func TestHostIsolation(t *testing.T) {
	runner(t)
	secret := "host-secret-" + fmt.Sprint(time.Now().UnixNano())
	t.Setenv("SESSION_SECRET_KEY", secret)
	secretFile, err := os.CreateTemp("", "bulwark-secret-*")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(secretFile.Name())
	secretFile.WriteString(secret)
	secretFile.Close()
	host := exec.Command("sleep", "30")
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { host.Process.Kill(); host.Wait() }()

	code := fmt.Sprintf(`import os, signal
found = []
for p in ["/etc/shadow", %q, "/root/.bash_history", "/proc/1/environ", "/proc/kcore", "/sys"]:
    try:
        with open(p, "rb") as f:
            if %q.encode() in f.read(): found.append(p)
    except OSError:
        pass
print("secret files:", found)
print("env has secret:", any(%q in v for v in os.environ.values()))
print("env keys:", sorted(os.environ))
import sys
root_files = []
for d, subdirs, fs in os.walk("/root"):
    subdirs[:] = [s for s in subdirs if os.path.join(d, s) != sys.prefix]
    root_files += [os.path.join(d, f) for f in fs]
print("root files:", root_files)
wrote = []
for p in ["/x", "/etc/x", "/usr/bin/x", "/proc/sys/kernel/hostname", "/dev/x", "/work/../x"]:
    try:
        with open(p, "w") as f: f.write("x")
        wrote.append(p)
    except OSError:
        pass
print("wrote:", wrote)
try:
    os.kill(%d, signal.SIGKILL)
    print("kill: done")
except OSError as e:
    print("kill:", e.errno)
pids = sorted(int(d) for d in os.listdir("/proc") if d.isdigit())
print("sees host pid:", %d in pids, "count below 10:", len(pids) < 10)
print("uid:", os.getuid(), os.geteuid(), os.getgroups())
`, secretFile.Name(), secret, secret, host.Process.Pid, host.Process.Pid)
	res := run(t, script.Request{Language: "python", Code: code})
	expectStatus(t, res, "ok")
	for _, want := range []string{
		"secret files: []",
		"env has secret: False",
		"env keys: ['HOME', 'LANG', 'PATH', 'TMPDIR', 'USER']",
		"root files: []",
		"wrote: []",
		"kill: 3",
		"sees host pid: False count below 10: True",
		"uid: 1000 1000 []",
	} {
		if !strings.Contains(res.Stdout, want+"\n") {
			t.Errorf("missing %q in:\n%s%s", want, res.Stdout, res.Stderr)
		}
	}
	if strings.Contains(res.Stdout+res.Stderr, secret) {
		t.Error("the secret reached the script's output")
	}
	if err := syscall.Kill(host.Process.Pid, 0); err != nil {
		t.Errorf("host process gone: %v", err)
	}
}
