//go:build linux

package script_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sandbox"
	"github.com/bulwarkhq/bulwark/script"
	"golang.org/x/sys/unix"
)

// callSyscalls makes each call with ctypes and prints name, result, errno.
const callSyscalls = `import ctypes, json, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
for c in json.loads(sys.stdin.read()):
    args = [ctypes.c_long(0)] * 6
    if c["arg"] >= 0:
        args[c["arg"]] = ctypes.c_long(c["value"])
    ctypes.set_errno(0)
    rc = libc.syscall(ctypes.c_long(c["nr"]), *args)
    print(c["name"], rc, ctypes.get_errno())
`

func TestDeniedSyscalls(t *testing.T) {
	type call struct {
		Name  string `json:"name"`
		Nr    uint32 `json:"nr"`
		Arg   int    `json:"arg"`
		Value uint64 `json:"value"`
	}
	var calls []call
	var want strings.Builder
	for _, r := range sandbox.Policy() {
		c := call{Name: r.Name, Nr: r.Nr, Arg: r.Arg, Value: uint64(r.Equal)}
		if r.Mask != 0 {
			c.Value = unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)
		}
		calls = append(calls, c)
		fmt.Fprintf(&want, "%s -1 %d\n", r.Name, r.Errno)
	}
	if runtime.GOARCH == "amd64" {
		calls = append(calls, call{Name: "x32_getpid", Nr: 0x40000000 | unix.SYS_GETPID, Arg: -1})
		fmt.Fprintf(&want, "x32_getpid -1 %d\n", unix.EPERM)
	}
	in, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, script.Request{Language: "python", Code: callSyscalls, Stdin: string(in)})
	expectStatus(t, res, "ok")
	if res.Stdout != want.String() {
		t.Errorf("calls:\n%s\nwant:\n%s", res.Stdout, want.String())
	}
}

func TestForeignArchitectureKills(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the i386 entry point (int 0x80) exists only on amd64")
	}
	code := `import mmap, ctypes
m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(b"\xb8\x14\x00\x00\x00\xcd\x80\xc3")  # mov eax, 20 (getpid); int 0x80; ret
f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(m)))
print("returned", f())
`
	res := run(t, script.Request{Language: "python", Code: code})
	expectStatus(t, res, "killed")
	if res.Signal != "SIGSYS" || res.ExitCode != 128+int(unix.SIGSYS) {
		t.Errorf("signal %q exit %d, want SIGSYS %d", res.Signal, res.ExitCode, 128+unix.SIGSYS)
	}
}

func TestPrivileges(t *testing.T) {
	code := `import os, ctypes
lines = open("/proc/self/status").read().splitlines()
status = dict(l.split(":\t", 1) for l in lines if ":\t" in l)
for k in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"]:
    print(k, status[k].strip())
libc = ctypes.CDLL(None, use_errno=True)
print("ptrace", libc.ptrace(0, 0, 0, 0), ctypes.get_errno())  # PTRACE_TRACEME
for name, f in [("setuid", lambda: os.setuid(0)), ("chroot", lambda: os.chroot("/tmp")),
                ("unshare", lambda: os.unshare(os.CLONE_NEWUSER)),
                ("mknod", lambda: os.mknod("/tmp/null", 0o666 | 0o020000, os.makedev(1, 3))),
                ("sethostname", lambda: libc.sethostname(b"x", 1) == 0 or 1/0)]:
    try:
        f()
        print(name, "allowed")
    except Exception:
        print(name, "refused")
`
	res := run(t, script.Request{Language: "python", Code: code})
	expectStatus(t, res, "ok")
	want := "CapInh 0000000000000000\nCapPrm 0000000000000000\nCapEff 0000000000000000\n" +
		"CapBnd 0000000000000000\nCapAmb 0000000000000000\nNoNewPrivs 1\nSeccomp 2\n" +
		fmt.Sprintf("ptrace -1 %d\n", unix.EPERM) +
		"setuid refused\nchroot refused\nunshare refused\nmknod refused\nsethostname refused\n"
	if res.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr: %s", res.Stdout, want, res.Stderr)
	}
}
