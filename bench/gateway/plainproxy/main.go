// Command plainproxy is a reverse proxy with no security layer at all, the
// baseline that separates the cost of an extra HTTP hop from the cost of
// bulwark's chain in bench/gateway/run.sh.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18082", "listen address")
	upstream := flag.String("upstream", "http://127.0.0.1:18081", "backend URL")
	flag.Parse()
	u, err := url.Parse(*upstream)
	if err != nil {
		log.Fatal(err)
	}
	// The same transport settings as the gateway's proxy.
	t := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
	}
	p := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }, Transport: t,
		ErrorLog:   log.New(io.Discard, "", 0), // wrk's closing connections at the end are not news
		BufferPool: buffers{}}                  // as the gateway's proxy does
	log.Fatal(http.ListenAndServe(*addr, p))
}

// buffers reuses the proxy's copy buffers, as the gateway does, so that
// the baseline differs from the gateway by its layers only.
type buffers struct{}

var pool = sync.Pool{New: func() any { return make([]byte, 32<<10) }}

func (buffers) Get() []byte  { return pool.Get().([]byte) }
func (buffers) Put(b []byte) { pool.Put(b) }
