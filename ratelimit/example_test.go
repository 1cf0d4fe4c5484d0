package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func ExampleGuard() {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	chat := &ratelimit.Guard{
		Limiter: ratelimit.NewMemory(0),
		Limit:   ratelimit.Limit{Rate: 2, Per: time.Minute},
		Key: func(r *http.Request) string {
			return "chat:ip:" + ratelimit.AddrKey(ratelimit.ClientIP(r, trusted))
		},
	}
	h := chat.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for range 3 {
		r := httptest.NewRequest("POST", "/api/chat", nil)
		r.RemoteAddr = "10.0.0.2:41000" // the load balancer
		r.Header.Set("X-Forwarded-For", "198.51.100.7")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%d remaining=%s retry-after=%q\n", w.Code,
			w.Header().Get("RateLimit-Remaining"), w.Header().Get("Retry-After"))
	}
	// Output:
	// 200 remaining=1 retry-after=""
	// 200 remaining=0 retry-after=""
	// 429 remaining=0 retry-after="30"
}

func ExampleLogin() {
	ctx := context.Background()
	login := &ratelimit.Login{Store: &ratelimit.MemoryFailures{}}
	ip := netip.MustParseAddr("198.51.100.7")
	for range 5 {
		login.Failed(ctx, "alice", ip)
	}
	wait, _ := login.Check(ctx, "alice", ip)
	fmt.Println(wait > 0 && wait <= time.Second)
	login.Succeeded(ctx, "alice", ip)
	wait, _ = login.Check(ctx, "alice", ip)
	fmt.Println(wait)
	// Output:
	// true
	// 0s
}
