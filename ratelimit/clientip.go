package ratelimit

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that sent r. It trusts the
// forwarding headers only when the direct peer (r.RemoteAddr) lies in one
// of the trusted proxy prefixes, and then walks the chain of hops from the
// right, skipping trusted proxies: the first untrusted hop is the client.
// When every hop is trusted, the leftmost is returned. A hop that cannot be
// parsed ("unknown", an obfuscated name, garbage) ends the walk at the hop
// to its right, which is a trusted proxy (or the peer), so a client can
// never choose the address it is counted under.
//
// Both X-Forwarded-For and Forwarded (RFC 7239, its for= parameters) are
// read. When a request carries both and they name different clients, one
// of them was written by the client and passed on by a proxy that writes
// only the other, so neither is believed and the direct peer is returned.
//
// Addresses come back without zone and with IPv4-mapped IPv6 addresses
// unmapped, so give trusted IPv4 prefixes in IPv4 form ([ParseTrusted]
// does). The result is the
// zero netip.Addr when RemoteAddr holds no IP address (a Unix socket).
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := parseNode(r.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	xff := r.Header.Values("X-Forwarded-For")
	fwd := r.Header.Values("Forwarded")
	switch {
	case len(xff) > 0 && len(fwd) > 0:
		a := walkXFF(peer, trusted, xff)
		if b := walk(peer, trusted, forwardedFor(fwd)); a != b {
			return peer
		}
		return a
	case len(xff) > 0:
		return walkXFF(peer, trusted, xff)
	case len(fwd) > 0:
		return walk(peer, trusted, forwardedFor(fwd))
	}
	return peer
}

// ParseTrusted parses a list of trusted proxies for [ClientIP], each a
// prefix ("10.0.0.0/8", "fd00::/8") or a single address ("10.0.0.7"). IPv4
// addresses written in IPv4-mapped IPv6 form are unmapped.
func ParseTrusted(list []string) ([]netip.Prefix, error) {
	prefixes := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("parse trusted proxy %q: %w", s, err)
			}
			a = a.Unmap()
			prefixes = append(prefixes, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("parse trusted proxy %q: %w", s, err)
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		prefixes = append(prefixes, p.Masked())
	}
	return prefixes, nil
}

// AddrKey returns the key to count a client address under: the address for
// IPv4, its /64 prefix for IPv6, since one IPv6 client usually holds a
// whole /64.
func AddrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// walk goes through hops, listed left to right, from the right.
func walk(peer netip.Addr, trusted []netip.Prefix, hops []string) netip.Addr {
	cur := peer
	for i := len(hops) - 1; i >= 0; i-- {
		var done bool
		if cur, done = step(cur, trusted, hops[i]); done {
			return cur
		}
	}
	return cur
}

// walkXFF walks the hops of X-Forwarded-For field lines from the right,
// like walk, without building a list of them.
func walkXFF(peer netip.Addr, trusted []netip.Prefix, lines []string) netip.Addr {
	cur := peer
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		for {
			hop, rest, more := line, "", false
			if j := strings.LastIndexByte(line, ','); j >= 0 {
				hop, rest, more = line[j+1:], line[:j], true
			}
			var done bool
			if cur, done = step(cur, trusted, hop); done {
				return cur
			}
			if !more {
				break
			}
			line = rest
		}
	}
	return cur
}

// step takes the next hop to the left of cur. It returns the address the
// walk has reached and whether the walk ends there: at an untrusted hop,
// or at cur when hop does not parse.
func step(cur netip.Addr, trusted []netip.Prefix, hop string) (netip.Addr, bool) {
	a := parseNode(hop)
	if !a.IsValid() {
		return cur, true
	}
	return a, !isTrusted(a, trusted)
}

// parseNode parses an address as it appears in RemoteAddr or in a
// forwarding header: "192.0.2.1", "192.0.2.1:80", "2001:db8::1",
// "[2001:db8::1]" or "[2001:db8::1]:80", with surrounding spaces. It
// returns the zero Addr for anything else.
func parseNode(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 || !validPort(s[end+1:]) {
			return netip.Addr{}
		}
		s = s[1:end]
	} else if i := strings.IndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
		if !validPort(s[i:]) {
			return netip.Addr{}
		}
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// validPort accepts "" or ":" followed by 1 to 5 digits, or an RFC 7239
// obfuscated port ("_abc").
func validPort(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != ':' || len(s) < 2 {
		return false
	}
	s = s[1:]
	if s[0] == '_' {
		return len(s) > 1 && isToken(s)
	}
	if len(s) > 5 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
