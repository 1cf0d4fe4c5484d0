// Package web holds the pages bulwark serves to people: login, the demo
// chat, the script runner and the security dashboard. They are embedded in
// the binary, load nothing from elsewhere and carry no inline script or
// style, so the gateway's strict Content-Security-Policy holds. The pages
// are clients of the gateway's JSON API like any other; docs/web.md
// describes them.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Handler serves the pages. Every answer tells the browser to check back
// before using a cached copy, so a new binary's pages show at once.
func Handler() (http.Handler, error) {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}), nil
}
