// Package web holds the pages bulwark serves to people: login and the demo
// chat. They are embedded in the binary, load nothing from elsewhere and
// carry no inline script or style, so the gateway's strict
// Content-Security-Policy holds.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Handler serves the pages.
func Handler() (http.Handler, error) {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	return http.FileServerFS(sub), nil
}
