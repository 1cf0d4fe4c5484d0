package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
	"github.com/bulwarkhq/bulwark/script"
	"github.com/redis/go-redis/v9"
)

// check is one line of the doctor's report.
type check struct {
	name, state, detail, hint string
	required                  bool
}

func runDoctor(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	caps := sandbox.Probe()
	checks := append(sandboxChecks(caps), redisCheck(), selfTest())
	code := 0
	for _, c := range checks {
		fmt.Fprintf(stdout, "%-12s %-8s %s\n", c.name, c.state, c.detail)
		if c.hint != "" {
			fmt.Fprintf(stdout, "%-12s %-8s %s\n", "", "hint:", c.hint)
		}
		if c.required && c.state != "ok" && c.state != "v1" && c.state != "v2" {
			code = 1
		}
	}
	return code
}

func sandboxChecks(c sandbox.Capabilities) []check {
	ns := check{name: "namespaces", state: "ok", required: true,
		detail: "user, pid, mount, network, ipc, uts and cgroup namespaces"}
	switch {
	case !c.UserNamespaces:
		ns.state, ns.detail = "missing", c.UserNSDetail
		ns.hint = "enable user namespaces (sysctl user.max_user_namespaces=15000); " +
			"scripts cannot run without them"
	case !c.Root:
		ns.state = "missing"
		ns.detail = "not root: the sandbox maps two host users (100000 for its init, " +
			"101000 for the script), which needs CAP_SETUID and CAP_SETGID"
		ns.hint = "run bulwark as root; it keeps no privilege inside the sandbox"
	}
	sc := check{name: "seccomp", state: "ok", required: true,
		detail: fmt.Sprintf("filter of %d rules, native architecture only", len(sandbox.Policy()))}
	if !c.Seccomp {
		sc.state, sc.detail = "missing", "kernel without seccomp filters"
		sc.hint = "use a kernel built with CONFIG_SECCOMP_FILTER; scripts cannot run without it"
	}
	ll := check{name: "landlock", state: "ok", detail: fmt.Sprintf("ABI %d", c.LandlockABI)}
	if c.LandlockABI == 0 {
		ll.state, ll.detail = "missing", "an extra layer only; the others still hold"
		ll.hint = "boot with lsm=...,landlock on a kernel with CONFIG_SECURITY_LANDLOCK"
	}
	cg := check{name: "cgroup", state: c.Cgroup, required: true,
		detail: "active: " + strings.Join(c.CgroupParent, ", ")}
	if c.Cgroup == "none" {
		cg.state = "missing"
		cg.detail = "no usable memory controller: memory and CPU are limited per " +
			"process by rlimits only"
		cg.hint = "run as root, or on cgroup v2 delegate a subtree with memory and pids " +
			"(systemd Delegate=yes)"
		if len(c.CgroupProblems) > 0 {
			cg.detail += "; " + strings.Join(c.CgroupProblems, "; ")
		}
	} else if len(c.CgroupProblems) > 0 {
		cg.detail += "; not used: " + strings.Join(c.CgroupProblems, "; ")
	}
	return []check{ns, sc, ll, cg}
}

func redisCheck() check {
	c := check{name: "redis"}
	url := os.Getenv("REDIS_URL")
	if url == "" {
		c.state, c.detail = "unset", "REDIS_URL not set: one instance only (sessions in the local bolt store, rate limits in memory)"
		return c
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		c.state, c.detail = "error", "REDIS_URL: "+err.Error()
		c.hint = "set REDIS_URL to redis://[user:password@]host:port/db"
		return c
	}
	client := redis.NewClient(opt)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		c.state, c.detail = "error", "PING "+opt.Addr+": "+err.Error()
		c.hint = "start Redis or fix REDIS_URL"
		return c
	}
	c.state, c.detail = "ok", "PING "+opt.Addr
	return c
}

// selfTest runs a real script in a fresh sandbox.
func selfTest() check {
	c := check{name: "sandbox", required: true}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	begin := time.Now()
	res, err := script.Exec(ctx, script.Request{Language: "sh", Code: "echo ok", TimeoutS: 2})
	switch {
	case err != nil:
		c.state, c.detail = "error", err.Error()
		c.hint = "fix the lines above; scripts cannot run"
	case res.Status != "ok" || res.Stdout != "ok\n":
		c.state, c.detail = "error", fmt.Sprintf("test script ended %s: %s", res.Status, res.Reason)
	default:
		c.state = "ok"
		c.detail = fmt.Sprintf("test script ran in %v", time.Since(begin).Round(time.Millisecond))
	}
	return c
}
