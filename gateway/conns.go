package gateway

import (
	"net"
	"strconv"
	"sync"
	"time"
)

// overloadAnswer is what a connection over the cap receives before it is
// closed: a complete HTTP answer, so clients see 503 and Retry-After rather
// than a reset.
var overloadAnswer = func() string {
	body := `{"error":"too many open connections, try again shortly","reason":"too_many_connections"}`
	return "HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: application/json; charset=utf-8\r\n" +
		"Retry-After: 1\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}()

// limitListener caps the connections open at once. One over the cap is
// answered 503 and closed at once, so a flood cannot exhaust the process's
// file descriptors or memory while served connections go on.
type limitListener struct {
	net.Listener
	sem      chan struct{}
	rejected func()
}

func newLimitListener(ln net.Listener, max int, rejected func()) net.Listener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, max), rejected: rejected}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			l.rejected()
			go refuse(c)
		}
	}
}

// refuse answers an over-the-cap connection without reading its request.
func refuse(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write([]byte(overloadAnswer))
	c.Close()
}

// limitConn gives its place back once, when it is closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
