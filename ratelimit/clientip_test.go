package ratelimit_test

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("fd00::/8"),
	}
	tests := []struct {
		name      string
		remote    string
		xff       []string
		forwarded []string
		want      string
	}{
		{"direct client", "203.0.113.5:1234", nil, nil, "203.0.113.5"},
		{"untrusted peer ignores XFF", "203.0.113.5:1234", []string{"1.2.3.4"}, nil, "203.0.113.5"},
		{"untrusted peer ignores Forwarded", "203.0.113.5:1", nil, []string{"for=1.2.3.4"},
			"203.0.113.5"},
		{"trusted peer without headers", "10.0.0.2:80", nil, nil, "10.0.0.2"},
		{"one proxy", "10.0.0.2:80", []string{"198.51.100.9"}, nil, "198.51.100.9"},
		{"spoofed left entry skipped", "10.0.0.2:80", []string{"6.6.6.6, 198.51.100.9"}, nil,
			"198.51.100.9"},
		{"two trusted hops", "10.0.0.2:80", []string{"6.6.6.6, 198.51.100.9, 10.0.0.3"}, nil,
			"198.51.100.9"},
		{"several field lines", "10.0.0.2:80", []string{"6.6.6.6", "198.51.100.9, 10.0.0.3"}, nil,
			"198.51.100.9"},
		{"all hops trusted gives leftmost", "10.0.0.2:80", []string{"10.1.1.1, 10.0.0.3"}, nil,
			"10.1.1.1"},
		{"garbage stops at trusted hop", "10.0.0.2:80", []string{"6.6.6.6, garbage, 10.0.0.3"}, nil,
			"10.0.0.3"},
		{"garbage rightmost gives peer", "10.0.0.2:80", []string{"6.6.6.6, unknown"}, nil, "10.0.0.2"},
		{"empty XFF entry", "10.0.0.2:80", []string{"6.6.6.6,"}, nil, "10.0.0.2"},
		{"XFF with port", "10.0.0.2:80", []string{"198.51.100.9:5555"}, nil, "198.51.100.9"},
		{"XFF IPv6 bracketed with port", "10.0.0.2:80", []string{"[2001:db8::1]:443"}, nil,
			"2001:db8::1"},
		{"XFF mapped IPv4 unmapped", "10.0.0.2:80", []string{"::ffff:198.51.100.9"}, nil,
			"198.51.100.9"},
		{"IPv6 peer", "[fd00::1]:80", []string{"2001:db8::7"}, nil, "2001:db8::7"},
		{"mapped peer is trusted as IPv4", "[::ffff:10.0.0.2]:80", []string{"198.51.100.9"}, nil,
			"198.51.100.9"},
		{"Forwarded simple", "10.0.0.2:80", nil, []string{"for=198.51.100.9;proto=https"},
			"198.51.100.9"},
		{"Forwarded chain", "10.0.0.2:80", nil,
			[]string{`for=6.6.6.6, For="[2001:db8:cafe::17]:4711";by=10.0.0.2, for=10.0.0.3`},
			"2001:db8:cafe::17"},
		{"Forwarded quoted IPv4 with port", "10.0.0.2:80", nil, []string{`for="198.51.100.9:80"`},
			"198.51.100.9"},
		{"Forwarded unknown stops", "10.0.0.2:80", nil, []string{"for=6.6.6.6, for=unknown"},
			"10.0.0.2"},
		{"Forwarded obfuscated stops", "10.0.0.2:80", nil, []string{"for=6.6.6.6, for=_hidden"},
			"10.0.0.2"},
		{"Forwarded element without for stops", "10.0.0.2:80", nil,
			[]string{"for=6.6.6.6, proto=http"}, "10.0.0.2"},
		{"Forwarded quoted comma", "10.0.0.2:80", nil,
			[]string{`for=6.6.6.6;ext="a,b", for=198.51.100.9`}, "198.51.100.9"},
		{"Forwarded malformed", "10.0.0.2:80", nil, []string{`for="6.6.6.6`}, "10.0.0.2"},
		{"both headers agree", "10.0.0.2:80", []string{"198.51.100.9"},
			[]string{"for=198.51.100.9"}, "198.51.100.9"},
		{"both headers disagree gives peer", "10.0.0.2:80", []string{"198.51.100.9"},
			[]string{"for=6.6.6.6"}, "10.0.0.2"},
		{"peer without port", "203.0.113.5", nil, nil, "203.0.113.5"},
		{"peer zone removed", "[fe80::1%eth0]:80", nil, nil, "fe80::1"},
		{"unix socket peer", "@", []string{"1.2.3.4"}, nil, "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tt.forwarded {
				r.Header.Add("Forwarded", v)
			}
			if got := ratelimit.ClientIP(r, trusted).String(); got != tt.want {
				t.Fatalf("ClientIP() = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestClientIPAllocs keeps the per-request path free of allocations for
// direct clients and for X-Forwarded-For chains.
func TestClientIPAllocs(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, remote, xff string
	}{
		{"direct", "203.0.113.5:1234", ""},
		{"through two proxies", "10.0.0.2:80", "6.6.6.6, 198.51.100.9, 10.0.0.3"},
		{"IPv6 peer", "[2001:db8::1]:443", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if n := testing.AllocsPerRun(100, func() { ratelimit.ClientIP(r, trusted) }); n != 0 {
				t.Fatalf("ClientIP allocates %v times, want 0", n)
			}
		})
	}
}

func TestParseTrusted(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string // prefixes joined by spaces, or "error"
	}{
		{"prefixes", []string{"10.0.0.0/8", "fd00::/8"}, "10.0.0.0/8 fd00::/8"},
		{"single addresses", []string{"10.0.0.7", " 2001:db8::1 "}, "10.0.0.7/32 2001:db8::1/128"},
		{"host bits cleared", []string{"192.168.1.77/24"}, "192.168.1.0/24"},
		{"mapped forms unmapped", []string{"::ffff:10.0.0.7", "::ffff:10.0.0.0/104"},
			"10.0.0.7/32 10.0.0.0/8"},
		{"empty list", nil, ""},
		{"garbage", []string{"10.0.0.0/8", "proxy.internal"}, "error"},
		{"bad prefix length", []string{"10.0.0.0/33"}, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := ratelimit.ParseTrusted(tt.in)
			got := "error"
			if err == nil {
				var parts []string
				for _, p := range ps {
					parts = append(parts, p.String())
				}
				got = strings.Join(parts, " ")
			}
			if got != tt.want {
				t.Fatalf("ParseTrusted(%q) = %q (err %v), want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestAddrKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ratelimit.AddrKey(netip.MustParseAddr(tt.in)); got != tt.want {
				t.Fatalf("AddrKey(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzClientIP checks that any headers and peer address are handled
// without panic and that an untrusted peer is always returned as it is.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.2:80", "6.6.6.6, 198.51.100.9", "")
	f.Add("10.0.0.2:80", "", `for="[2001:db8::1]:80";proto=https, for=10.0.0.3`)
	f.Add("10.0.0.2:80", "1.2.3.4", `for=unknown;by="\"x", for=_a`)
	f.Add("203.0.113.1:1", "1.1.1.1", "for=2.2.2.2")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, remote, xff, fwd string) {
		bare := httptest.NewRequest("GET", "/", nil)
		bare.RemoteAddr = remote
		peer := ratelimit.ClientIP(bare, nil)
		r := bare.Clone(bare.Context())
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			r.Header.Set("Forwarded", fwd)
		}
		got := ratelimit.ClientIP(r, trusted)
		if !trusted[0].Contains(peer) && got != peer {
			t.Fatalf("untrusted peer %v: got %v", peer, got)
		}
		if trusted[0].Contains(peer) && !got.IsValid() {
			t.Fatalf("trusted peer %v: got an invalid address", peer)
		}
	})
}

// FuzzClientIPSpoof models a client that writes any forwarding headers it
// likes and a trusted proxy that appends the real client address to one of
// them. The result must be the real client, or the proxy when the headers
// contradict each other: never an address the client chose.
func FuzzClientIPSpoof(f *testing.F) {
	f.Add("1.2.3.4", "", []byte{198, 51, 100, 9}, false)
	f.Add("", "for=1.2.3.4", []byte{198, 51, 100, 9}, true)
	f.Add("1.2.3.4, 10.0.0.9", `for="[::1]"`, []byte{203, 0, 113, 1}, false)
	f.Add("", `for="x`, []byte{203, 0, 113, 1}, true)
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	proxy := netip.MustParseAddr("10.0.0.2")
	f.Fuzz(func(t *testing.T, xff, fwd string, client []byte, proxyWritesForwarded bool) {
		if len(client) != 4 {
			return
		}
		c := netip.AddrFrom4([4]byte(client))
		if trusted[0].Contains(c) {
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = proxy.String() + ":443"
		if proxyWritesForwarded {
			fwd = join(fwd, "for="+c.String())
		} else {
			xff = join(xff, c.String())
		}
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			r.Header.Set("Forwarded", fwd)
		}
		if got := ratelimit.ClientIP(r, trusted); got != c && got != proxy {
			t.Fatalf("ClientIP() = %v, want %v or %v (xff %q, forwarded %q)", got, c, proxy, xff, fwd)
		}
	})
}

func join(list, item string) string {
	if list == "" {
		return item
	}
	return list + ", " + item
}
