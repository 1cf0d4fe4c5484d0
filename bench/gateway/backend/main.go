// Command backend is the trivial upstream of the gateway benchmark: it
// answers every request with a small JSON body, as fast as net/http can,
// or after -delay, to stand for a backend that does some work.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	delay := flag.Duration("delay", 0, "time to wait before answering")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if *delay > 0 {
			time.Sleep(*delay)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"reply":"hello from the backend"}`)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
