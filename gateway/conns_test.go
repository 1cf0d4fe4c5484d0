package gateway

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMaxConnections holds the cap's connections open and checks that one
// more is answered 503 JSON and closed, and that a place freed is usable.
func TestMaxConnections(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DataDir, cfg.UsersFile, cfg.LogFile = t.TempDir(), testUsers(t), "-"
	cfg.Session.Store, cfg.Scripts.Enabled, cfg.MaxConnections = "memory", false, 3
	srv, err := Open(cfg, Options{Secret: testKey, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	defer srv.HTTP.Close()
	addr := ln.Addr().String()

	get := func(c net.Conn) (int, string) {
		t.Helper()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("read answer: %v", err)
		}
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
		res.Body.Close()
		return res.StatusCode, string(b)
	}
	var held []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if code, _ := get(c); code != 200 { // keep-alive: the connection stays open
			t.Fatalf("connection within the cap = %d", code)
		}
		held = append(held, c)
	}
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(extra)
	extra.Close()
	if code != 503 || !strings.Contains(body, "too_many_connections") {
		t.Fatalf("connection over the cap = %d %s, want 503 too_many_connections", code, body)
	}
	held[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := get(c)
		c.Close()
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a freed place was never given to a new connection")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
