package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/sandbox"
)

// The dashboard's JSON API. Every route needs a session; docs/web.md
// documents the shapes.
//
//	GET /api/dashboard/summary?minutes=N  totals and per-minute counts
//	GET /api/dashboard/events?after=ID    recent events, oldest first
//	GET /api/dashboard/stream             the same events, live (server-sent events)
//	GET /api/dashboard/host               which protections are active on this host
func (g *Gateway) dashboardRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/dashboard/summary", g.dashboardSummary)
	m.HandleFunc("GET /api/dashboard/events", g.dashboardEvents)
	m.HandleFunc("GET /api/dashboard/stream", g.dashboardStream)
	m.HandleFunc("GET /api/dashboard/host", g.dashboardHost)
}

const (
	defaultMinutes = 60
	maxMinutes     = keepMinute
)

// summary is the answer of GET /api/dashboard/summary. Totals and PerMinute
// are keyed "type/layer/kind"; the other maps group the totals the way the
// dashboard shows them.
type summary struct {
	Now         time.Time        `json:"now"`
	Minutes     int              `json:"minutes"`
	MinuteStart time.Time        `json:"minute_start"` // start of per_minute[0]
	Totals      map[string]int   `json:"totals"`
	PerMinute   []map[string]int `json:"per_minute"` // oldest first, the last is the current minute
	Blocks      map[string]int   `json:"blocks"`     // "layer/kind" -> blocked requests
	Flags       map[string]int   `json:"flags"`      // "layer/kind" -> flagged requests
	Scripts     map[string]int   `json:"scripts"`    // status -> sandbox runs
	RateLimits  map[string]int   `json:"rate_limits"`
	CSRF        map[string]int   `json:"csrf"` // reason -> refusals
	LoginFailed int              `json:"login_failed"`
}

// dashboardSummary answers totals since start and the per-minute counts of
// the last ?minutes=N minutes (default 60, at most a day).
func (g *Gateway) dashboardSummary(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	n := defaultMinutes
	if v := r.URL.Query().Get("minutes"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > maxMinutes {
			g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest,
				Msg: fmt.Sprintf("minutes: want 1 to %d", maxMinutes), Reason: "bad_request"})
			return
		}
		n = m
	}
	now := time.Now()
	totals, series := g.events.counts(now, n)
	httpjson.Write(w, http.StatusOK, summarize(now, totals, series))
}

// summarize groups the totals by what the dashboard shows.
func summarize(now time.Time, totals map[string]int, series []map[string]int) summary {
	s := summary{
		Now: now.UTC(), Minutes: len(series), Totals: totals, PerMinute: series,
		MinuteStart: time.Unix((now.Unix()/60-int64(len(series)-1))*60, 0).UTC(),
		Blocks:      map[string]int{}, Flags: map[string]int{}, Scripts: map[string]int{},
		RateLimits: map[string]int{}, CSRF: map[string]int{},
	}
	for key, n := range totals {
		typ, layer, kind := splitKey(key)
		switch typ {
		case "block":
			s.Blocks[layer+"/"+kind] += n
		case "flag":
			s.Flags[layer+"/"+kind] += n
		case "script":
			s.Scripts[kind] += n
		case "rate_limit":
			s.RateLimits[kind] += n
		case "csrf":
			s.CSRF[kind] += n
		case "login_failed":
			s.LoginFailed += n
		}
	}
	return s
}

// splitKey splits a "type/layer/kind" counter key.
func splitKey(key string) (typ, layer, kind string) {
	typ, rest, _ := strings.Cut(key, "/")
	layer, kind, _ = strings.Cut(rest, "/")
	return typ, layer, kind
}

// dashboardEvents answers the events after ?after=ID, oldest first.
func (g *Gateway) dashboardEvents(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	httpjson.Write(w, http.StatusOK, map[string]any{"events": g.events.since(after)})
}

// How long one event stream lasts and how often it is checked. A stream
// ends after streamLife so that the client reconnects through the whole
// middleware chain again; between events it sends a comment every
// streamTick, and ends when the session is gone. It ends at once when the
// server drains, so that open dashboards do not hold up shutdown.
const (
	streamLife = 5 * time.Minute
	streamTick = 10 * time.Second
)

// dashboardStream sends security events as server-sent events ("event:
// security", the id and the Event as JSON), starting after the
// Last-Event-ID header or ?after=ID.
func (g *Gateway) dashboardStream(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	after, _ := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	end := time.Now().Add(streamLife)
	// The server's write timeout would cut the stream; it is moved along
	// with every write instead. An error only means the writer cannot.
	rc.SetWriteDeadline(end.Add(streamTick))
	fmt.Fprintf(w, "retry: %d\n\n", 2000)
	tick := time.NewTicker(streamTick)
	defer tick.Stop()
	wake := g.events.wait()
	for {
		for _, e := range g.events.since(after) {
			b, _ := json.Marshal(e)
			fmt.Fprintf(w, "event: security\nid: %d\ndata: %s\n\n", e.ID, b)
			after = e.ID
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-wake:
			wake = g.events.wait()
		case <-g.drained:
			return
		case now := <-tick.C:
			if _, err := g.d.Sessions.Load(r); err != nil || now.After(end) {
				return
			}
			fmt.Fprint(w, ": ping\n\n")
		}
	}
}

// protection is one line of GET /api/dashboard/host: a protection, whether
// it is active here, and what to do when it is not.
type protection struct {
	Name   string `json:"name"`
	Area   string `json:"area"` // gateway or sandbox
	Active bool   `json:"active"`
	Detail string `json:"detail"`
	Hint   string `json:"hint,omitempty"`
}

// hostAnswer is the answer of GET /api/dashboard/host.
type hostAnswer struct {
	Mode        string          `json:"mode"` // demo or proxy
	Layers      map[string]bool `json:"layers"`
	Protections []protection    `json:"protections"`
	Sandbox     sandboxCaps     `json:"sandbox"`
}

// sandboxCaps is [sandbox.Capabilities] spelled for JSON.
type sandboxCaps struct {
	Root           bool     `json:"root"`
	UserNamespaces bool     `json:"user_namespaces"`
	Seccomp        bool     `json:"seccomp"`
	LandlockABI    int      `json:"landlock_abi"`
	Cgroup         string   `json:"cgroup"`
	CgroupProblems []string `json:"cgroup_problems"`
	Degraded       []string `json:"degraded"`
}

// dashboardHost answers which protections are active: the gateway's layers
// from its configuration and the sandbox's from the kernel probe that
// `bulwark doctor` also uses.
func (g *Gateway) dashboardHost(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	caps := sandbox.Probe()
	mode := "demo"
	if g.upstream != nil {
		mode = "proxy"
	}
	a := hostAnswer{
		Mode: mode,
		Layers: map[string]bool{
			"input": g.d.Input != nil, "intent": g.d.Intent != nil,
			"csrf": true, "login_guard": g.d.Logins != nil,
		},
		Protections: append(g.gatewayProtections(), sandboxProtections(caps)...),
		Sandbox: sandboxCaps{
			Root: caps.Root, UserNamespaces: caps.UserNamespaces, Seccomp: caps.Seccomp,
			LandlockABI: caps.LandlockABI, Cgroup: caps.Cgroup,
			CgroupProblems: nonNil(caps.CgroupProblems), Degraded: nonNil(caps.Degraded()),
		},
	}
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, http.StatusOK, a)
}

// gatewayProtections describes the gateway's own layers as configured.
func (g *Gateway) gatewayProtections() []protection {
	c := g.cfg
	store := c.Session.Store
	if store == "" {
		store = "bolt"
		if c.RedisURL != "" {
			store = "redis"
		}
	}
	tls := ""
	switch {
	case c.TLSCert != "":
		tls = "HTTPS with tls_cert"
	case c.Session.Secure:
		tls = "ends at a proxy; cookies are marked Secure"
	}
	const notWired = "this build does not wire the layer in"
	gw := func(name string, active bool, detail, hint string) protection {
		return protect("gateway", name, active, detail, hint)
	}
	return []protection{
		gw("sessions", true, fmt.Sprintf("sealed cookie, %s store, idle timeout %v", store,
			time.Duration(c.Session.IdleTimeout)), ""),
		gw("csrf", true, fmt.Sprintf("origin check (%d trusted origins) and session-bound "+
			"X-CSRF-Token on unsafe methods", len(c.TrustedOrigins)), ""),
		gw("login back-off", g.d.Logins != nil, "repeated failed logins wait longer and longer",
			"the gateway was built without a login guard"),
		gw("input validation", g.d.Input != nil, "sqli, xss, nosqli, cmdi, path traversal, "+
			"ssti, crlf, ldap and xpath detectors", notWired),
		gw("intent detection", g.d.Intent != nil, "prompt injection, jailbreak and system "+
			"manipulation", notWired),
		gw("tls", tls != "", tls, "set tls_cert and tls_key, or end TLS at a proxy and set "+
			"session.secure"),
		g.redisProtection(),
	}
}

// redisProtection says whether the shared store is configured and answers.
func (g *Gateway) redisProtection() protection {
	const hint = "set redis_url to share sessions and limits between instances"
	if g.d.Health == nil {
		return protect("gateway", "redis", false, "", hint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := g.d.Health(ctx); err != nil {
		return protect("gateway", "redis", false, "configured but unreachable: "+err.Error(),
			"check that Redis runs at redis_url; sessions answer 503 until it does")
	}
	return protect("gateway", "redis", true, "answers: shared sessions, limits and login back-off", hint)
}

// sandboxProtections describes the kernel features scripts run under.
func sandboxProtections(c sandbox.Capabilities) []protection {
	sb := func(name string, active bool, detail, missing, hint string) protection {
		if !active {
			detail = missing
		}
		return protect("sandbox", name, active, detail, hint)
	}
	cg := sb("cgroup", c.Cgroup != "none", "cgroup "+c.Cgroup+" memory, cpu and pids",
		"no memory controller: memory and CPU limited per process by rlimits",
		"run as root, or delegate a cgroup v2 subtree with memory and pids")
	if len(c.CgroupProblems) > 0 {
		cg.Detail += "; not used: " + strings.Join(c.CgroupProblems, "; ")
	}
	return []protection{
		sb("namespaces", c.UserNamespaces, "user, pid, mount, network, ipc and uts", c.UserNSDetail,
			"enable user namespaces (sysctl user.max_user_namespaces); scripts cannot run"),
		sb("seccomp", c.Seccomp, fmt.Sprintf("%d syscall rules", len(sandbox.Policy())),
			"no seccomp filters in this kernel",
			"use a kernel with CONFIG_SECCOMP_FILTER; scripts cannot run"),
		sb("landlock", c.LandlockABI > 0, fmt.Sprintf("ABI %d", c.LandlockABI),
			"not in this kernel; an extra layer, the others still hold",
			"boot a kernel with CONFIG_SECURITY_LANDLOCK and landlock in lsm="),
		cg,
	}
}

// protect returns one line of the host answer; the hint is kept only when
// the protection is not active.
func protect(area, name string, active bool, detail, hint string) protection {
	p := protection{Name: name, Area: area, Active: active, Detail: detail}
	if !active {
		p.Hint = hint
	}
	return p
}

// onlyIf returns s when cond holds, else "".
func onlyIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// nonNil makes a nil slice encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
