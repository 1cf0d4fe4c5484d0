package gateway

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startCluster starts three Redis Cluster masters on 127.0.0.1 and joins
// them; it returns a seed URL listing all three.
func startCluster(t *testing.T) string {
	t.Helper()
	server := os.Getenv("BULWARK_REDIS_SERVER")
	if server == "" {
		server, _ = exec.LookPath("redis-server")
	}
	cli, _ := exec.LookPath("redis-cli")
	if server == "" || cli == "" {
		t.Skip("redis-server and redis-cli not found: install Debian's redis-server (.ci/run does)")
	}
	var addrs []string
	for range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, port, _ := net.SplitHostPort(addr)
		dir := t.TempDir()
		cmd := exec.Command(server, "--bind", "127.0.0.1", "--port", port, "--cluster-enabled", "yes",
			"--cluster-config-file", dir+"/nodes.conf", "--save", "", "--appendonly", "no", "--dir", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		addrs = append(addrs, addr)
	}
	for _, a := range addrs {
		waitTCP(t, a)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if info, err := c.ClusterInfo(ctx).Result(); err == nil && strings.Contains(info, "cluster_state:ok") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("redis://%s?addr=%s&addr=%s", addrs[0], addrs[1], addrs[2])
}

func waitTCP(t *testing.T, addr string) {
	t.Helper()
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not start", addr)
}

// TestRedisCluster runs sessions, logout and a rate limit on a real
// three-node Redis Cluster.
func TestRedisCluster(t *testing.T) {
	url := startCluster(t)
	e := newEnv(t, withConfig(func(c *Config) {
		c.RedisURL, c.RedisCluster, c.Session.Store = url, true, "redis"
		c.RateLimits.OnStoreError = "closed"
		c.RateLimits.Chat = LimitConfig{Rate: 2, Per: Duration(time.Minute)}
	}))
	c := e.client()
	c.login("alice")
	for i, want := range []int{200, 200, 429} {
		if a := c.chat("hello"); a.status != want {
			t.Fatalf("chat %d = %d %s, want %d", i, a.status, a.raw, want)
		}
	}
	if a := c.do("POST", "/api/auth/logout", nil, map[string]string{"X-CSRF-Token": c.token}); a.status != 200 {
		t.Fatalf("logout = %d %s", a.status, a.raw)
	}
	if a := c.do("GET", "/api/auth/csrf", nil, nil); a.status != 401 {
		t.Fatalf("after logout = %d, want 401", a.status)
	}
	if a := c.do("GET", "/healthz", nil, nil); a.status != 200 || a.str("redis") != "ok" {
		t.Fatalf("/healthz = %d %s", a.status, a.raw)
	}
}
