// Command backend is the trivial upstream of the gateway benchmark: it
// answers every request with a small JSON body, as fast as net/http can.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"reply":"hello from the backend"}`)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
